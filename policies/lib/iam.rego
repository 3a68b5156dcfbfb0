# IAM helpers: the roles of a service, statement and action matching.
package apprunner_guard.lib

instance_role_path := "instance_configuration.0.instance_role_arn"

access_role_path := "source_configuration.0.authentication_configuration.0.access_role_arn"

role_paths := {"instance": instance_role_path, "access": access_role_path}

# The role ARN value set on the service (undefined when absent or unknown).
role_arn(svc, path) := svc.values.instance_configuration[0].instance_role_arn if path == instance_role_path

role_arn(svc, path) := svc.values.source_configuration[0].authentication_configuration[0].access_role_arn if {
	path == access_role_path
}

# Roles of the model (iam.roles) the service's role attribute points at. A known ARN is what
# Terraform applies: only the referenced roles that have that ARN (by their known ARN, or by path and
# name while their ARN is unknown) are it, and a literal ARN of a role nothing in the input creates
# points at no role (an external role), even when a reference to another role appears too. Only an
# unknown ARN falls back to the roles its refs name. Data sources are never roles of the model.
model_roles(svc, path) := {r |
	arn := role_arn(svc, path)
	some r in refs_at(svc, path)
	input.iam.roles[r]
	role_has_arn(input.resources[r].values, arn)
} if {
	role_arn(svc, path)
} else := {r |
	some r in refs_at(svc, path)
	input.iam.roles[r]
}

role_has_arn(values, arn) if values.arn == arn

role_has_arn(values, arn) if {
	not values.arn
	is_string(values.name)
	endswith(arn, concat("", [":role", object.get(values, "path", "/"), values.name]))
}

# Neither its ARN nor its name is known (name_prefix): the role cannot be shown not to be it.
role_has_arn(values, _) if {
	not values.arn
	not values.name
}

instance_roles(svc) := model_roles(svc, instance_role_path)

access_roles(svc) := model_roles(svc, access_role_path)

# {"service", "role", "kind": "instance"|"access"} for every service and each role it uses.
service_roles contains {"service": s, "role": r, "kind": kind} if {
	some s in services
	some kind, path in role_paths
	some r in model_roles(input.resources[s], path)
}

# IAM pattern (with * and ?) as an anchored regular expression.
pattern_regex(p) := concat("", ["^", replace(replace(regex_escape(p), "*", ".*"), "?", "."), "$"])

regex_escape(s) := replace(
	replace(
		replace(
			replace(
				replace(
					replace(
						replace(
							replace(
								replace(
									replace(
										replace(
											replace(s, "\\", "\\\\"),
											".", "\\.",
										),
										"+", "\\+",
									),
									"(", "\\(",
								),
								")", "\\)",
							),
							"[", "\\[",
						),
						"]", "\\]",
					),
					"{", "\\{",
				),
				"}", "\\}",
			),
			"^", "\\^",
		),
		"$", "\\$",
	),
	"|", "\\|",
)

# value matches an IAM wildcard pattern (case-sensitive, as for ARNs). Fast paths first: most
# patterns have no wildcard (a plain comparison) or one trailing "*" (a prefix test); only the rest
# build a regular expression. Exactly one body applies to any pattern.
wildcard_match(pattern, value) if _matches_as(_pattern_kind(pattern), pattern, value)

# The kind is decided once per call (an else chain stops at the first that holds).
_pattern_kind(pattern) := "exact" if {
	not has_wildcard(pattern)
} else := "prefix" if {
	_prefix_pattern(pattern)
} else := "regex"

_matches_as("exact", pattern, value) if pattern == value

_matches_as("prefix", pattern, value) if startswith(value, trim_suffix(pattern, "*"))

_matches_as("regex", pattern, value) if regex.match(pattern_regex(pattern), value)

# "s3:Get*", "*": one "*", at the end, and no "?".
_prefix_pattern(p) if {
	endswith(p, "*")
	not contains(trim_suffix(p, "*"), "*")
	not contains(p, "?")
}

# action matches an IAM action pattern (case-insensitive).
action_matches(pattern, action) if wildcard_match(lower(pattern), lower(action))

# action is matched by some pattern in the list.
action_in(action, patterns) if {
	some p in patterns
	action_matches(p, action)
}

has_wildcard(p) if contains(p, "*")

has_wildcard(p) if contains(p, "?")

# Anything but an exact "Deny" counts as Allow: a malformed or oddly cased Effect must not hide a grant (fail closed).
is_allow(st) if st.effect != "Deny"

# The Allow statement grants the (concrete) action.
grants(st, action) if {
	is_allow(st)
	action_in(action, st.actions)
}

grants(st, action) if {
	is_allow(st)
	count(st.not_actions) > 0
	not action_in(action, st.not_actions)
}

# The members of a set of concrete, lowercase actions that the statement grants: {a | grants(st, a)},
# with each Action pattern classified once rather than once per action (a rule that asks about a
# dozen actions asks this once per statement).
granted_among(st, actions) := {a | some a in actions; grants(st, a)} if {
	count(object.get(st, "not_actions", [])) > 0
} else := {a |
	is_allow(st)
	some p in st.actions
	some a in _matched_by(lower(p), actions)
}

_matched_by(pattern, actions) := {pattern} & actions if {
	_pattern_kind(pattern) == "exact"
} else := {a | some a in actions; wildcard_match(pattern, a)}

# The statement applies to every resource: Resource "*" (or a pattern that matches every ARN,
# such as "arn:*" or "arn:aws:*:*:*:*") or a NotResource.
any_resource(st) if {
	some r in st.resources
	matches_any_arn(r)
}

any_resource(st) if count(st.not_resources) > 0

# ARNs of unrelated services, regions and accounts: a pattern matching all of them matches any resource.
_probe_arns := [
	"arn:aws:s3:::zz-apprunner-guard-probe/key",
	"arn:aws:iam::000000000000:role/zz-apprunner-guard-probe",
	"arn:aws:secretsmanager:eu-west-3:999999999999:secret:zz-apprunner-guard-probe",
]

matches_any_arn(r) if {
	# Without a wildcard a pattern matches only itself, never three different ARNs: skip the probes.
	has_wildcard(r)
	every arn in _probe_arns {
		wildcard_match(r, arn)
	}
}

# Actions of unrelated services: an action pattern matching all of them ("*", "*:*", "**", "?*")
# allows every action.
_probe_actions := ["iam:passrole", "s3:getobject", "ec2:runinstances", "zz-apprunner-guard:probe"]

matches_every_action(a) if {
	has_wildcard(a)
	every action in _probe_actions {
		action_matches(a, action)
	}
}

# The statement applies to every resource of the action's service: any_resource, or a Resource
# pattern that covers the whole resource space of the service (arn:aws:s3:::*/* for s3, decided by the
# normalizer from the services' ARN formats into any_resource_services).
any_resource_for(st, _) if any_resource(st)

any_resource_for(st, action) if service_covered(st, action)

service_covered(st, action) if {
	prefix := split(action, ":")[0]
	some svc in object.get(st, "any_resource_services", [])
	wildcard_match(lower(prefix), svc)
}

# The statement grants the action on every resource.
grants_on_any(st, action) if {
	grants(st, action)
	any_resource_for(st, action)
}

# Which attribute of the statement's source a user edits.
_policy_attributes := {
	"aws_iam_role_policy": "policy",
	"aws_iam_policy": "policy",
	"aws_iam_role": "inline_policy",
	"aws_iam_policy_document": "statement",
}

policy_attribute(via) := object.get(_policy_attributes, type_of(via), "")

_managed_attributes := {
	"aws_iam_role": "managed_policy_arns",
	"aws_iam_role_policy_attachment": "policy_arn",
	"aws_iam_policy_attachment": "policy_arn",
	"aws_iam_role_policy_attachments_exclusive": "policy_arns",
}

managed_attribute(via) := object.get(_managed_attributes, type_of(via), "")

# "instance role R of S"
role_label(sr) := concat("", [sr.kind, " role ", sr.role, " of ", sr.service])

# A finding on an identity-policy statement of a service's role.
statement_finding(sr, st, what) := finding(
	st.via,
	statement_attribute(st),
	concat("", [role_label(sr), " ", what, " in statement ", format_int(st.index, 10), " of ", statement_source(st)]),
	[sr.service, sr.role],
)

# Where a statement comes from: its policy resource, or the AWS managed policy an attachment adds.
statement_source(st) := concat("", ["AWS managed policy ", st.managed_policy, " attached by ", st.via]) if st.managed_policy

else := st.via

statement_attribute(st) := managed_attribute(st.via) if st.managed_policy

else := policy_attribute(st.via)
