# METADATA
# title: HTTP health check with an explicit path
# description: >-
#   The service checks health over HTTP (health_check_configuration.protocol HTTP) on an
#   explicit path; the default TCP check only proves that a port is open.
# scope: package
# custom:
#   id: AR-NET-003
#   severity: medium
#   mappings:
#     - {framework: nist-800-53, control: "SI-4"}
#     - {framework: soc2, control: "CC7.2"}
#   remediation: >-
#     Set health_check_configuration { protocol = "HTTP", path = "/healthz" } with a path that
#     checks the application's dependencies.
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.network.http_health_check

import data.apprunner_guard.lib

protocol_path := "health_check_configuration.0.protocol"

path_path := "health_check_configuration.0.path"

findings contains lib.finding(s, "health_check_configuration", concat("", [s, " has no health_check_configuration: the default TCP check only proves a port is open"]), [s]) if {
	some s in lib.services
	svc := input.resources[s]
	not svc.values.health_check_configuration[0]
	not lib.is_unknown(svc, protocol_path)
}

findings contains lib.finding(s, protocol_path, concat("", [s, " checks health over ", protocol, ", not HTTP: it only proves a port is open"]), [s]) if {
	some s in lib.services
	svc := input.resources[s]
	not lib.is_unknown(svc, protocol_path)
	hc := svc.values.health_check_configuration[0]
	protocol := object.get(hc, "protocol", "TCP")
	upper(protocol) != "HTTP"
}

findings contains lib.finding(s, path_path, concat("", [s, " checks health over HTTP without an explicit path"]), [s]) if {
	some s in lib.services
	svc := input.resources[s]
	hc := svc.values.health_check_configuration[0]
	upper(hc.protocol) == "HTTP"
	object.get(hc, "path", "") == ""
	not lib.is_unknown(svc, path_path)
}

# Every service has a health check (TCP when none is set).
applicable := lib.all_services
