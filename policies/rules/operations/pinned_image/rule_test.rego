package apprunner_guard.rules.operations.pinned_image_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.operations.pinned_image as rule

with_image(image) := t.model([t.service("api", {"source_configuration": [{"image_repository": [{"image_identifier": image}]}]})], {})

expected(image) := {
	"resource": "aws_apprunner_service.api",
	"attribute": "source_configuration.0.image_repository.0.image_identifier",
	"message": concat("", ["aws_apprunner_service.api deploys the unpinned image ", json.marshal(image), ": use a digest or a tag other than latest"]),
	"related": ["aws_apprunner_service.api"],
}

test_fail_latest if {
	r := rule.findings with input as with_image("123456789012.dkr.ecr.us-east-1.amazonaws.com/api:latest")
	r == {expected("123456789012.dkr.ecr.us-east-1.amazonaws.com/api:latest")}
}

test_fail_untagged_with_registry_port if {
	r := rule.findings with input as with_image("registry.example.com:5000/api")
	r == {expected("registry.example.com:5000/api")}
}

test_pass_digest if {
	r := rule.findings with input as with_image("public.ecr.aws/x/api@sha256:0123456789abcdef")
	r == set()
}

test_pass_tag if {
	r := rule.findings with input as with_image("123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.4.2")
	r == set()
}

# Applicability: services deployed from an image.
test_applicable_image_services if {
	image := t.service("api", {"source_configuration": [{"image_repository": [{"image_identifier": "x:1"}]}]})
	code := t.service("docs", {"source_configuration": [{"code_repository": [{"repository_url": "https://github.com/x/y"}]}]})
	a := rule.applicable with input as t.model([image, code], {})
	a == {"aws_apprunner_service.api"}
}
