# Secret helpers shared by the secrets rules and AR-META-001.
package apprunner_guard.lib

# The variable name looks like it holds a secret: a secret_name_patterns entry (case-insensitive)
# matches the part of the name after its last word that says the value is not a secret
# (parameter non_secret_name_words: OAUTH_REDIRECT_URL, AUTHOR, TOKEN_TTL_SECONDS, SECRETS_REGION and
# PASSWORD_MIN_LENGTH are not secrets; URL_SIGNING_SECRET and GIT_AUTHOR_TOKEN still are).
secret_like(name) if name in _secret_like_env_names

secret_like(name) if {
	not name in _env_names
	_matches_secret_pattern(name)
}

_matches_secret_pattern(name) if {
	some p in param("secret_name_patterns")
	regex.match(concat("", ["(?i)", p]), secret_part(name))
}

# Every env entry name of the services, and those that look like secrets: decided once per name
# (the secrets rules and AR-META-001 ask about the same names many times).
_env_names contains e.name if {
	some by_attr in service_env
	some entries in by_attr
	some e in entries
}

_secret_like_env_names contains name if {
	some name in _env_names
	_matches_secret_pattern(name)
}

# Words split at "_", "-" and ".".
_name_words(name) := split(replace(replace(lower(name), "-", "_"), ".", "_"), "_")

_non_secret_words contains lower(w) if some w in param("non_secret_name_words")

_non_secret_positions(words) := {i | some i, w in words; w in _non_secret_words}

# The name itself when no word says "not a secret"; else the words after the last such word.
secret_part(name) := name if count(_non_secret_positions(_name_words(name))) == 0

secret_part(name) := concat("_", array.slice(words, max(positions) + 1, count(words))) if {
	words := _name_words(name)
	positions := _non_secret_positions(words)
	count(positions) > 0
}

secretsmanager_arn_regex := `^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:.+`

ssm_arn_regex := `^arn:[^:]+:ssm:[^:]*:[^:]*:parameter/.+`

_source_types := {
	"aws_secretsmanager_secret": "secretsmanager",
	"aws_secretsmanager_secret_version": "secretsmanager",
	"aws_ssm_parameter": "ssm",
}

# Where a runtime_environment_secrets entry comes from:
# "secretsmanager" | "ssm" | "other" (a known value that is neither ARN) |
# "ambiguous" (unknown, refs to both kinds) | "unresolved" (unknown, no usable ref).
secret_source(svc, e) := "secretsmanager" if {
	not e.unknown
	regex.match(secretsmanager_arn_regex, e.value)
} else := "ssm" if {
	not e.unknown
	regex.match(ssm_arn_regex, e.value)
} else := "other" if {
	not e.unknown
} else := kind if {
	kind := _source_types[type_of(e.ref)]
} else := "unresolved" if {
	e.ref
} else := ref_secret_source(svc, e.path)

ref_secret_source(svc, path) := kind if {
	kinds := {k |
		some r in refs_at(svc, path)
		k := _source_types[type_of(r)]
	}
	count(kinds) == 1
	some kind in kinds
} else := "ambiguous" if {
	kinds := {k |
		some r in refs_at(svc, path)
		k := _source_types[type_of(r)]
	}
	count(kinds) > 1
} else := "unresolved"
