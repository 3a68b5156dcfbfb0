# conftest adapter: every finding of the entrypoint as a conftest "deny" result.
#   apprunner-guard model plan.json > model.json
#   conftest test model.json -p policies -d policies/apprunner_guard/params --namespace apprunner_guard.conftest
# "msg" is the rule, resource and message; the other keys are the finding itself (conftest shows them
# as metadata). Waivers and --fail-on are the CLI's: conftest fails on any finding, like --fail-on low.
package apprunner_guard.conftest

import data.apprunner_guard.main

deny contains object.union(f, {"msg": concat("", [f.rule, " ", f.resource, ": ", f.message])}) if {
	some f in main.findings
}
