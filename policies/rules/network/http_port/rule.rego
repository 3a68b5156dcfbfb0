# METADATA
# title: Container port is an HTTP port
# description: >-
#   The container port (image_configuration.port, code_configuration_values.port) is an integer
#   1-65535 and not a well-known non-HTTP service port (parameter forbidden_ports). When the
#   parameter allowed_ports is set, only those ports pass.
# scope: package
# custom:
#   id: AR-NET-002
#   severity: high
#   mappings:
#     - {framework: nist-800-53, control: "CM-7"}
#     - {framework: nist-800-53, control: "SC-7"}
#     - {framework: pci-dss, control: "1.2.5"}
#     - {framework: soc2, control: "CC6.6"}
#   remediation: >-
#     Serve HTTP on an application port such as 8080 and set image_configuration { port = "8080" };
#     App Runner exposes only HTTP(S), so a database or SSH port signals the wrong workload.
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.network.http_port

import data.apprunner_guard.lib

findings contains lib.finding(s, concat(".", [cp, "port"]), concat("", [s, " listens on port ", lib.q(port), ": ", problem]), [s]) if {
	some s in lib.services
	some cp in lib.runtime_config_paths
	port := lib.runtime_config(input.resources[s], cp).port
	some problem in problems(port)
}

allowed_ports := {p | some p in lib.param("allowed_ports")}

problems(port) := {"not an integer between 1 and 65535"} if not valid(port)

problems(port) := {"a well-known non-HTTP service port (forbidden_ports)"} if {
	valid(port)
	count(allowed_ports) == 0
	number(port) in lib.param("forbidden_ports")
}

problems(port) := {"not in allowed_ports"} if {
	valid(port)
	count(allowed_ports) > 0
	not number(port) in allowed_ports
}

number(port) := to_number(port) if is_string(port)

number(port) := port if is_number(port)

valid(port) if {
	regex.match(`^[0-9]{1,5}$`, format_port(port))
	number(port) >= 1
	number(port) <= 65535
}

format_port(port) := port if is_string(port)

# Only numbers that can have five digits are formatted (the wasm format_int fails on very large ones).
format_port(port) := format_int(port, 10) if {
	is_number(port)
	port == floor(port)
	port >= 0
	port < 100000
}

# Every service listens on a port (8080 when none is set).
applicable := lib.all_services
