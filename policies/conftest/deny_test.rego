package apprunner_guard.conftest_test

import data.apprunner_guard.conftest
import data.apprunner_guard.main

test_fail_a_raw_plan_is_denied if {
	plan := {"format_version": "1.2", "planned_values": {}}
	r := conftest.deny with input as plan
	count(r) == 1
	refusal := main.refusal with input as plan
	some d in r
	d.msg == concat("", ["meta.unknown_value input: ", refusal.message])
	object.remove(d, ["msg"]) == refusal
}

test_pass_a_clean_model_is_not_denied if {
	conftest.deny == set() with main.findings as set()
}
