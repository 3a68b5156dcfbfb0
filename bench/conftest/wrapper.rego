# Benchmark only: lets conftest run the project's rules unchanged. conftest evaluates `deny`
# rules in namespace `main`; this one turns every finding of the project's entrypoint into one.
package main

deny contains msg if {
	some f in data.apprunner_guard.main.findings
	msg := sprintf("%s %s: %s", [f.rule, f.resource, f.message])
}
