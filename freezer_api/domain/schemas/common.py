"""Patterns and fragments shared by several document schemas."""

# Client-chosen ids: word characters and dashes (contract 4).
ID_PATTERN = r"^[\w-]+$"
MAX_ID_LENGTH = 255

ID = {"type": "string", "pattern": ID_PATTERN, "minLength": 1, "maxLength": MAX_ID_LENGTH}

_LABEL = r"([a-zA-Z\d]|[a-zA-Z\d][a-zA-Z\d\-]{0,61}[a-zA-Z\d])"
HOSTNAME_PATTERN = rf"^{_LABEL}(\.{_LABEL})*$"
# Optional "<prefix>_" then a host name (contract 4.2).
CLIENT_ID_PATTERN = rf"^(?:([\w\-]+)_)?{_LABEL}(\.{_LABEL})*$"

CLIENT_ID = {"type": "string", "pattern": CLIENT_ID_PATTERN, "maxLength": MAX_ID_LENGTH}

ACTIONS = ["backup", "restore", "info", "admin", "exec"]
MODES = ["fs", "mongo", "mysql", "sqlserver", "cinder", "glance", "cindernative", "nova"]
STORAGES = ["local", "swift", "ssh", "s3", "ftp", "ftps"]
ENGINES = ["tar", "rsync", "rsyncv2", "nova", "osbrick", "glance"]
