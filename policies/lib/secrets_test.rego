package apprunner_guard.lib.secrets_test

import data.apprunner_guard.lib
import data.apprunner_guard.lib.test as t

names := ["DB_PASSWORD", "LOG_LEVEL", "PASSWORD_MIN_LENGTH", "URL_SIGNING_SECRET", "GIT_AUTHOR_TOKEN", "AUTHOR", "Stripe_Api_Key", ""]

# The answer for a name must not depend on whether the input's services carry it (the memoized
# path) or not (computed at the call).
test_pass_secret_like_same_with_and_without_services if {
	direct := {n | some n in names; lib.secret_like(n)} with input as t.model([], {})
	direct == {"DB_PASSWORD", "URL_SIGNING_SECRET", "GIT_AUTHOR_TOKEN", "Stripe_Api_Key"}
	env := {n: "x" | some n in names}
	m := t.model([t.image_service({"runtime_environment_variables": env})], {})
	memoized := {n | some n in names; lib.secret_like(n)} with input as m
	memoized == direct
	lib._env_names == {n | some n in names} with input as m
}
