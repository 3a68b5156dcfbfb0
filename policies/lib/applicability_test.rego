package apprunner_guard.lib.applicability_test

import data.apprunner_guard.lib
import data.apprunner_guard.lib.test as t

test_has_role_by_ref_only if {
	svc := t.with_refs(t.service("api", {}), {t.instance_role_path: ["aws_iam_role.app"]})
	lib.has_role(svc, t.instance_role_path)
	not lib.has_role(t.service("web", {}), t.instance_role_path)
}

test_tags_unknown_either_map if {
	lib.tags_unknown(t.with_unknown(t.service("api", {}), ["tags"]))
	lib.tags_unknown(t.with_unknown(t.service("api", {}), ["tags_all"]))
	not lib.tags_unknown(t.with_unknown(t.service("api", {}), ["tags.Owner"]))
}
