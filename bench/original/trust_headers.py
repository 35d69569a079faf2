"""A paste filter that stands in for keystonemiddleware's auth_token in the original.

It trusts the identity headers the benchmark sends (X-User-Id, X-Project-Id,
X-Roles) and marks the request as authenticated the way auth_token does
(X-Identity-Status: Confirmed), which is what the original's context
middleware checks. Loaded by the original's own interpreter under uWSGI;
nothing here imports either freezer-api.
"""


def filter_factory(global_conf, **local_conf):
    def wrap(app):
        def trusted(environ, start_response):
            if environ.get("HTTP_X_USER_ID") and environ.get("HTTP_X_PROJECT_ID"):
                environ["HTTP_X_IDENTITY_STATUS"] = "Confirmed"
            else:
                environ["HTTP_X_IDENTITY_STATUS"] = "Invalid"
            return app(environ, start_response)

        return trusted

    return wrap
