# Secret helpers shared by the secrets rules and AR-META-001.
package apprunner_guard.lib

# The variable name looks like it holds a secret (parameter secret_name_patterns, case-insensitive).
secret_like(name) if {
	some p in param("secret_name_patterns")
	regex.match(concat("", ["(?i)", p]), name)
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
