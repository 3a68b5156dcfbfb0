package apprunner_guard.lib.iam_test

import data.apprunner_guard.lib
import data.apprunner_guard.lib.test as t

test_pass_action_wildcards if {
	lib.action_matches("s3:Get*", "s3:getobject")
	lib.action_matches("s3:getobjec?", "S3:GetObject")
	lib.action_matches("*", "iam:passrole")
	not lib.action_matches("s3:get*", "s3:putobject")
	not lib.action_matches("s3:get?", "s3:getobject")
	lib.action_in("iam:putrolepolicy", ["s3:*", "iam:put*policy"])
	not lib.action_in("iam:passrole", ["s3:*"])
}

test_pass_wildcard_match_escapes_regex if {
	lib.wildcard_match("arn:aws:s3:::b.c/*", "arn:aws:s3:::b.c/key(1)+[x]")
	not lib.wildcard_match("arn:aws:s3:::b.c/*", "arn:aws:s3:::bxc/key")
	lib.wildcard_match("a|b^$\\{}()", "a|b^$\\{}()")
	lib.wildcard_match("a|b^$\\{}()[]+.*?", "a|b^$\\{}()[]+.zz")
	not lib.wildcard_match("a|b^$\\{}()[]+.*?", "a|b^$\\{}()[]+xzz")
}

_matched(p, v) if lib.wildcard_match(p, v)

else := false

# The fast paths (no wildcard: equality; one trailing "*": prefix) agree with the regular expression.
test_pass_wildcard_fast_paths_agree_with_regex if {
	lib.wildcard_match("**", "x")
	not lib.wildcard_match("*:*", "iampassrole")
	cases := [
		["s3:getobject", "s3:getobject"], ["s3:getobject", "s3:getobjects"], ["s3:get*", "s3:getobject"],
		["s3:get*", "s3:get"], ["s3:get*", "s4:getobject"], ["*", ""], ["*", "anything:at all"],
		["arn:aws:s3:::b.c/*", "arn:aws:s3:::b.c/"], ["arn:aws:s3:::b.c/*", "arn:aws:s3:::bxc/k"],
		["a.b", "axb"], ["a.b", "a.b"], ["**", "x"], ["s3:*et*", "s3:getobject"], ["s3:?et*", "s3:getobject"],
		["*:*", "iam:passrole"], ["*:*", "iampassrole"],
	]
	every c in cases {
		_matched(c[0], c[1]) == regex.match(lib.pattern_regex(c[0]), c[1])
	}
}

test_pass_grants if {
	lib.grants(t.allow("p", 0, ["s3:*"], ["*"]), "s3:getobject")
	not_action := object.union(t.allow("p", 0, [], ["*"]), {"not_actions": ["iam:*"]})
	lib.grants(not_action, "s3:getobject")
	not lib.grants(not_action, "iam:passrole")
	not lib.grants(object.union(t.allow("p", 0, ["*"], ["*"]), {"effect": "Deny"}), "s3:getobject")
	lib.grants_on_any(object.union(t.allow("p", 0, ["*"], []), {"not_resources": ["x"]}), "s3:getobject")
	not lib.grants_on_any(t.allow("p", 0, ["*"], ["arn:aws:s3:::b"]), "s3:getobject")
}

test_pass_roles_of_a_service if {
	svc := t.service_with_unknown_role({}, "app")
	m := t.iam_model(svc, t.role([], [], [], []))
	lib.instance_roles(svc) == {"aws_iam_role.app"} with input as m
	lib.access_roles(svc) == set() with input as m
	lib.service_roles == {{"service": "aws_apprunner_service.api", "role": "aws_iam_role.app", "kind": "instance"}} with input as m
	lib.policy_attribute("aws_iam_role_policy.app") == "policy" with input as m
	lib.policy_attribute("aws_iam_role_policy.none") == "" with input as m
}

test_is_allow_fails_closed_on_odd_effects if {
	lib.is_allow({"effect": "Allow"})
	lib.is_allow({"effect": "allow"})
	lib.is_allow({"effect": ""})
	not lib.is_allow({"effect": "Deny"})
}

test_pass_any_arn_and_every_action if {
	lib.matches_any_arn("*")
	lib.matches_any_arn("arn:*")
	lib.matches_any_arn("arn:aws:*:*:*:*")
	not lib.matches_any_arn("arn:aws:s3:::b")
	not lib.matches_any_arn("arn:aws:s3:::*")
	lib.matches_every_action("*")
	lib.matches_every_action("*:*")
	lib.matches_every_action("?*")
	not lib.matches_every_action("s3:getobject")
	not lib.matches_every_action("s3:*")
}

# A known role ARN is what Terraform applies: a ref to another role is only a hint for an unknown ARN.
test_pass_known_role_arn_beats_refs if {
	svc := t.with_refs(
		t.service("api", {"instance_configuration": [{"instance_role_arn": "arn:aws:iam::123456789012:role/external"}]}),
		{t.instance_role_path: ["aws_iam_role.app"]},
	)
	m := t.iam_model(svc, t.role([], [], [], []))
	lib.instance_roles(svc) == set() with input as m
}

test_pass_known_role_arn_matches_known_arn_or_path_and_name if {
	by_arn := t.model(
		[t.resource("aws_iam_role", "app", {"name": "app", "arn": "arn:aws:iam::1:role/ops/app"})],
		{"aws_iam_role.app": t.role([], [], [], [])},
	)
	svc := t.service_with_role({}, "app")
	lib.instance_roles(svc) == set() with input as by_arn
	ops_arn := t.with_refs(
		t.service("api", {"instance_configuration": [{"instance_role_arn": "arn:aws:iam::1:role/ops/app"}]}),
		{t.instance_role_path: ["aws_iam_role.app"]},
	)
	lib.instance_roles(ops_arn) == {"aws_iam_role.app"} with input as by_arn
	with_path := t.model(
		[t.resource("aws_iam_role", "app", {"name": "app", "path": "/ops/"})],
		{"aws_iam_role.app": t.role([], [], [], [])},
	)
	ops := t.with_refs(
		t.service("api", {"instance_configuration": [{"instance_role_arn": "arn:aws:iam::123456789012:role/ops/app"}]}),
		{t.instance_role_path: ["aws_iam_role.app"]},
	)
	lib.instance_roles(ops) == {"aws_iam_role.app"} with input as with_path
	lib.instance_roles(svc) == set() with input as with_path
}

test_pass_role_with_unknown_name_cannot_be_ruled_out if {
	m := t.model([t.resource("aws_iam_role", "app", {})], {"aws_iam_role.app": t.role([], [], [], [])})
	lib.instance_roles(t.service_with_role({}, "app")) == {"aws_iam_role.app"} with input as m
}

# A pattern covering a service's whole resource space (any_resource_services, from the ARN formats)
# is "any resource" for that service's actions only.
test_pass_service_covered if {
	st := object.union(t.allow("p", 0, ["s3:getobject", "iam:passrole"], ["arn:aws:s3:::*/*"]), {"any_resource_services": ["s3"]})
	lib.grants_on_any(st, "s3:getobject")
	not lib.grants_on_any(st, "iam:passrole")
	lib.service_covered(st, "s3:*")
	lib.service_covered(st, "*:getobject")
	not lib.service_covered(t.allow("p", 0, ["s3:getobject"], ["arn:aws:s3:::*/*"]), "s3:getobject")
}

test_pass_managed_policy_statement_source if {
	st := object.union(t.allow("aws_iam_role_policy_attachment.x", 2, ["*"], ["*"]), {"managed_policy": "arn:aws:iam::aws:policy/AdministratorAccess"})
	lib.statement_source(st) == "AWS managed policy arn:aws:iam::aws:policy/AdministratorAccess attached by aws_iam_role_policy_attachment.x"
	m := t.model([t.resource("aws_iam_role_policy_attachment", "x", {}), t.resource("aws_iam_role_policy", "app", {})], {})
	lib.statement_attribute(st) == "policy_arn" with input as m
	lib.statement_source(t.allow("aws_iam_role_policy.app", 0, [], [])) == "aws_iam_role_policy.app"
	lib.statement_attribute(t.allow("aws_iam_role_policy.app", 0, [], [])) == "policy" with input as m
}

# granted_among is grants asked once per statement: the same answer as asking action by action, for
# exact, prefix, middle-wildcard and "?" patterns, mixed case, NotAction and a Deny.
test_pass_granted_among_equals_grants_per_action if {
	actions := {"iam:passrole", "iam:putrolepolicy", "s3:getobject", "sts:assumerole", "iam:attachrolepolicy"}
	statements := [
		t.allow("p", 0, ["IAM:PassRole"], ["*"]),
		t.allow("p", 1, ["iam:Put*"], ["*"]),
		t.allow("p", 2, ["iam:*Role*"], ["*"]),
		t.allow("p", 3, ["s3:Get?bject", "sts:*"], ["*"]),
		t.allow("p", 4, ["*"], ["*"]),
		t.allow("p", 5, [], ["*"]),
		object.union(t.allow("p", 6, [], ["*"]), {"not_actions": ["iam:*"]}),
		object.union(t.allow("p", 7, ["iam:*"], ["*"]), {"effect": "Deny"}),
	]
	expected := [
		{"iam:passrole"},
		{"iam:putrolepolicy"},
		{"iam:passrole", "iam:putrolepolicy", "iam:attachrolepolicy"},
		{"s3:getobject", "sts:assumerole"},
		actions,
		set(),
		{"s3:getobject", "sts:assumerole"},
		set(),
	]
	every i, st in statements {
		lib.granted_among(st, actions) == {a | some a in actions; lib.grants(st, a)}
		lib.granted_among(st, actions) == expected[i]
	}
}
