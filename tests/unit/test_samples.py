"""The committed samples are what the generators produce from the code (make sample-config sample-policy)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def test_policy_sample_is_current(tmp_path):
    output = tmp_path / "policy.yaml.sample"
    subprocess.run(
        [str(BIN / "oslopolicy-sample-generator"), "--namespace", "freezer-api", "--output-file", str(output)],
        check=True,
        capture_output=True,
    )
    assert output.read_text() == (ROOT / "etc" / "policy.yaml.sample").read_text(), "run 'make sample-policy'"


def test_config_sample_is_current_and_covers_keystone(tmp_path):
    output = tmp_path / "freezer-api.conf.sample"
    subprocess.run(
        [
            str(BIN / "oslo-config-generator"),
            "--config-file",
            str(ROOT / "etc" / "config-generator.conf"),
            "--output-file",
            str(output),
        ],
        check=True,
        capture_output=True,
    )
    generated, committed = _blocks(output.read_text()), _blocks((ROOT / "etc" / "freezer-api.conf.sample").read_text())
    # Only our own options are compared: other namespaces' help text moves with their releases.
    ours = {key: text for key, text in generated.items() if key[1] == "freezer-api"}
    assert ours == {key: text for key, text in committed.items() if key[1] == "freezer-api"}, "run 'make sample-config'"
    assert ("keystone_authtoken", "keystonemiddleware.auth_token") in committed
    assert ("oslo_policy", "oslo.policy") in committed
    assert ("centralized_scheduler", "freezer-api") in committed


def _blocks(sample: str) -> dict[tuple[str, str], str]:
    """{(section, namespace): its lines}, from the '[section]' and '# From namespace' markers."""
    blocks: dict[tuple[str, str], list[str]] = {}
    section = namespace = ""
    for line in sample.splitlines():
        if line.startswith("[") and line.endswith("]"):
            section, namespace = line[1:-1], ""
        elif line.startswith("# From "):
            namespace = line.removeprefix("# From ")
        elif namespace:
            blocks.setdefault((section, namespace), []).append(line)
    return {key: "\n".join(lines).strip() for key, lines in blocks.items()}
