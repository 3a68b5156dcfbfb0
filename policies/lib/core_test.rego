package apprunner_guard.lib.core_test

import data.apprunner_guard.lib
import data.apprunner_guard.lib.test as t

res := {
	"values": {},
	"unknown": ["network_configuration", "a.0.env.KEY", "a.0.env.X.Y"],
	"refs": {"a.0.env": ["aws_s3_bucket.b"], "a.0.env.SECRET": ["aws_secretsmanager_secret.s"]},
}

test_pass_refs_at_exact_path if lib.refs_at(res, "a.0.env.SECRET") == ["aws_secretsmanager_secret.s"]

test_pass_refs_at_nearest_ancestor if lib.refs_at(res, "a.0.env.OTHER") == ["aws_s3_bucket.b"]

test_pass_refs_at_none if lib.refs_at(res, "b.0.c") == []

# Of several ancestors with refs the longest wins; a key that is a prefix of the path's text but not
# at a "." boundary ("a.0.en") is not an ancestor.
test_pass_refs_at_longest_ancestor_at_a_boundary if {
	nested := {"refs": {"a": ["aws_vpc.v"], "a.0.env": ["aws_s3_bucket.b"], "a.0.env.SECRETS": ["aws_kms_key.k"]}}
	lib.refs_at(nested, "a.0.env.SECRET") == ["aws_s3_bucket.b"]
	lib.refs_at(nested, "a.0.environment") == ["aws_vpc.v"]
	lib.refs_at({"refs": {"a.0.en": ["aws_vpc.v"]}}, "a.0.env") == []
	lib.refs_at({}, "a") == []
}

test_pass_is_unknown_exact_and_ancestor if {
	lib.is_unknown(res, "a.0.env.KEY")
	lib.is_unknown(res, "network_configuration.0.ingress_configuration.0.is_publicly_accessible")
	not lib.is_unknown(res, "a.0.env")
	not lib.is_unknown(res, "network_configuration_x")
	not lib.is_unknown(res, "a.0.env.KE")
	not lib.is_unknown(res, "a.0.env.KEYS")
	lib.is_unknown(res, "a.0.env.X.Y.0.z")
	not lib.is_unknown(res, "a.0.env.X")
}

test_pass_unknown_keys if lib.unknown_keys(res, "a.0.env") == {"KEY"}

test_pass_is_public if {
	lib.is_public({"values": {}, "unknown": []})
	lib.is_public({"values": {"network_configuration": [{"ingress_configuration": [{"is_publicly_accessible": true}]}]}, "unknown": []})
	not lib.is_public({"values": {"network_configuration": [{"ingress_configuration": [{"is_publicly_accessible": false}]}]}, "unknown": []})
	not lib.is_public(res)
}

test_pass_tags_merge_default_tags if {
	lib.tags({"values": {"tags": {"A": "1"}, "tags_all": {"B": "2"}}}) == {"A": "1", "B": "2"}
	lib.tags({"values": {"tags": null}}) == {}
}

test_pass_finding_sorts_related if {
	lib.finding("x", "", "m", ["b", "a", "b"]) == {"resource": "x", "attribute": "", "message": "m", "related": ["a", "b"]}
}

test_pass_env_entries if {
	svc := t.with_unknown(t.image_service({"runtime_environment_variables": {"A": "1"}}), [concat(".", [t.image_config_path, "runtime_environment_variables.B"])])
	p := concat(".", [t.image_config_path, "runtime_environment_variables"])
	lib.env_entries(svc, "runtime_environment_variables") == {
		{"name": "A", "path": concat(".", [p, "A"]), "map_path": p, "unknown": false, "value": "1"},
		{"name": "B", "path": concat(".", [p, "B"]), "map_path": p, "unknown": true, "value": null},
	}
}

# service_env_entries reads the per-service memo for a service and computes the entries for anything else.
test_pass_service_env_entries_equal_env_entries if {
	svc := t.image_service({"runtime_environment_variables": {"A": "1"}, "runtime_environment_secrets": {"S": "arn:aws:ssm:us-east-1:1:parameter/s"}})
	other := object.union(svc, {"address": "aws_lambda_function.f", "type": "aws_lambda_function"})
	m := t.model([svc, other], {})
	not lib.service_env[other.address] with input as m
	every attr in lib.env_attrs {
		lib.service_env_entries(svc.address, attr) == lib.env_entries(svc, attr) with input as m
		lib.service_env_entries(other.address, attr) == lib.env_entries(other, attr) with input as m
		count(lib.service_env_entries(other.address, attr)) == 1 with input as m
	}
}

test_pass_services_and_types if {
	m := t.model([t.service("b", {}), t.service("a", {})], {})
	lib.services == ["aws_apprunner_service.a", "aws_apprunner_service.b"] with input as m
	lib.of_type("aws_iam_role") == [] with input as m
	lib.type_of("aws_apprunner_service.a") == "aws_apprunner_service" with input as m
	lib.type_of("nope.x") == "" with input as m
}

test_pass_unknown_reason if {
	r := {"unknown_reasons": {"a.0": "dynamic", "a.0.b": "other"}}
	lib.unknown_reason(r, "a.0.b") == " (dynamic; other)"
	lib.unknown_reason(r, "a.0.c") == " (dynamic)"
	lib.unknown_reason(r, "x") == ""
	lib.unknown_reason({}, "x") == ""
}

test_pass_is_sensitive if {
	lib.is_sensitive({"sensitive": ["a.0.env"]}, "a.0.env.K")
	not lib.is_sensitive({"sensitive": ["a.0.env.J"]}, "a.0.env.K")
	not lib.is_sensitive({}, "a")
}

# A wholly unknown image_configuration covers its secrets map: its references are opaque entries.
test_pass_env_entries_opaque_under_unknown_ancestor if {
	mp := concat(".", [t.image_config_path, "runtime_environment_secrets"])
	svc := t.with_refs(t.with_unknown(t.service("api", {}), [t.image_config_path]), {mp: ["aws_ssm_parameter.p"]})
	entries := lib.env_entries(svc, "runtime_environment_secrets") with input as t.model([svc], {})
	entries == {{"name": "", "name_unknown": true, "ref": "aws_ssm_parameter.p", "path": mp, "map_path": mp, "unknown": true, "value": null}}
}

test_pass_visible_digest_only_for_unknown_values_with_a_whole_digest if {
	p := "source_configuration.0.image_repository.0.image_identifier"
	digest := "@sha256:3b0c7f1d8f5a4e2b9c6d1a0e7f4b2c9d8e1f0a3b6c5d4e7f2a1b0c9d8e7f6a5b"
	lib.visible_digest({"unknown": [p], "visible_suffix": {p: digest}}, p)
	not lib.visible_digest({"unknown": [], "visible_suffix": {p: digest}}, p)
	not lib.visible_digest({"unknown": [p], "visible_suffix": {p: "@sha256:abc"}}, p)
	not lib.visible_digest({"unknown": [p]}, p)
}
