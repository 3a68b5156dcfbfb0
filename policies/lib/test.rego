# Builders that keep test inputs short. Used only by *_test.rego files.
package apprunner_guard.lib.test

resource(type, name, values) := {
	"address": concat(".", [type, name]),
	"type": type,
	"name": name,
	"module": "",
	"mode": "managed",
	"actions": ["create"],
	"values": values,
	"unknown": [],
	"refs": {},
	"origin": {"construct_path": null, "file": "test.json", "line": null},
}

data_resource(type, name, values) := object.union(resource(type, name, values), {
	"address": concat(".", ["data", type, name]),
	"mode": "data",
	"actions": ["read"],
})

service(name, values) := resource("aws_apprunner_service", name, values)

with_unknown(res, paths) := object.union(res, {"unknown": paths})

with_refs(res, refs) := object.union(res, {"refs": refs})

# The input model for a list of resources and an iam.roles object.
model(resources, roles) := {
	"model_version": 1,
	"source": {"kind": "terraform-plan", "path": "test.json", "stack": null, "terraform_version": "1.9.5"},
	"resources": {r.address: r | some r in resources},
	"by_type": {r.type: sort([x.address | some x in resources; x.type == r.type]) | some r in resources},
	"referenced_by": {a: sort({r.address | some r in resources; some refs in r.refs; a in refs}) |
		some r in resources
		some refs in r.refs
		some a in refs
	},
	"iam": {"roles": roles},
}

# An iam.roles entry.
role(statements, managed, trust, unresolved) := {
	"trust": trust,
	"statements": statements,
	"managed_policy_arns": managed,
	"unresolved": unresolved,
}

# A normalized Allow statement.
allow(via, index, actions, resources) := {
	"sid": "",
	"effect": "Allow",
	"actions": actions,
	"not_actions": [],
	"resources": resources,
	"not_resources": [],
	"principals": {},
	"not_principals": {},
	"conditions": [],
	"via": via,
	"index": index,
}

# A trust statement allowing a principal to assume the role.
trust(via, principals) := object.union(allow(via, 0, ["sts:assumerole"], []), {"principals": principals})

apprunner_trust := [trust("aws_iam_role.app", {"Service": ["tasks.apprunner.amazonaws.com"]})]

role_arn(name) := concat("", ["arn:aws:iam::123456789012:role/", name])

instance_role_path := "instance_configuration.0.instance_role_arn"

# Service "api" whose instance role is aws_iam_role.<role_name> (known ARN, and a ref).
service_with_role(values, role_name) := with_refs(
	service("api", object.union(values, {"instance_configuration": [{"instance_role_arn": role_arn(role_name)}]})),
	{instance_role_path: [concat("", ["aws_iam_role.", role_name])]},
)

# Same, but the role ARN is unknown until apply and only linked through refs.
service_with_unknown_role(values, role_name) := with_unknown(
	with_refs(service("api", values), {instance_role_path: [concat("", ["aws_iam_role.", role_name])]}),
	[instance_role_path],
)

# A model with service api, instance role aws_iam_role.app (given iam.roles entry) and policy aws_iam_role_policy.app.
iam_model(svc, role_entry) := model(
	[
		svc,
		resource("aws_iam_role", "app", {"name": "app"}),
		resource("aws_iam_role_policy", "app", {"name": "app"}),
	],
	{"aws_iam_role.app": role_entry},
)

# Shortcut: the instance role aws_iam_role.app has these statements.
with_statements(statements) := iam_model(service_with_role({}, "app"), role(statements, [], apprunner_trust, []))

# Shortcut: the instance role aws_iam_role.app has these managed policies.
with_managed(managed) := iam_model(service_with_role({}, "app"), role([], managed, apprunner_trust, []))

# The related list of IAM findings for the shortcuts above.
related := ["aws_apprunner_service.api", "aws_iam_role.app"]

# Service "api" with an image repository and the given image configuration.
image_service(image_configuration) := service("api", {"source_configuration": [{"image_repository": [{
	"image_identifier": "public.ecr.aws/app/api:1.2.3",
	"image_repository_type": "ECR_PUBLIC",
	"image_configuration": [image_configuration],
}]}]})

image_config_path := "source_configuration.0.image_repository.0.image_configuration.0"
