# Shared helpers over the input model (docs/input-model.md).
package apprunner_guard.lib

# Rule parameters: defaults in policies/apprunner_guard/params/data.json,
# replaced by the engine with defaults merged with the user's config.
param(name) := data.apprunner_guard.params[name]

# Addresses of every resource of a type (sorted, possibly empty).
of_type(t) := object.get(input, ["by_type", t], [])

# Addresses of every App Runner service.
services := of_type("aws_apprunner_service")

# The type of the resource at an address ("" when it is not in the model).
type_of(addr) := object.get(input, ["resources", addr, "type"], "")

# Addresses that reference addr through any attribute.
referenced_by(addr) := object.get(input, ["referenced_by", addr], [])

# Refs recorded at a dotted path, or at its nearest ancestor that has refs.
# The nearest ancestor is the longest key that covers path (keys that cover a path are its prefixes
# at "." boundaries, so no two have the same length). The exact path is tried first: it is the common case.
refs_at(res, path) := refs if {
	refs := res.refs[path]
} else := refs if {
	covering := {k | some k, _ in object.get(res, "refs", {}); _covers(k, path)}
	longest := max({count(k) | some k in covering})
	some nearest in covering
	count(nearest) == longest
	refs := res.refs[nearest]
} else := []

# Refs at path that point at resources of one of the given types.
refs_of_types(res, path, types) := {r |
	some r in refs_at(res, path)
	type_of(r) in types
}

# The value at path is unknown until apply (the path or one of its ancestors is in `unknown`).
is_unknown(res, path) if {
	some u in object.get(res, "unknown", [])
	_covers(u, path)
}

# u is path or one of its ancestors. startswith first: it rejects most pairs without building a string.
_covers(u, path) if {
	startswith(path, u)
	_at_part_boundary(path, count(u))
}

_at_part_boundary(path, n) if n == count(path)

_at_part_boundary(path, n) if substring(path, n, 1) == "."

# Keys of a map attribute that are unknown until apply (listed in `unknown` as path.KEY).
# Why a path is unknown beyond "until apply" (unknown_reasons of the model), as " (reason)", or "".
unknown_reason(res, path) := concat("", [" (", concat("; ", sort(rs)), ")"]) if {
	rs := {r |
		some u, r in object.get(res, "unknown_reasons", {})
		_covers(u, path)
	}
	count(rs) > 0
} else := ""

# Terraform marks the value sensitive (after_sensitive): it was copied from a secret or a sensitive variable.
is_sensitive(res, path) if {
	some u in object.get(res, "sensitive", [])
	_covers(u, path)
}

unknown_keys(res, path) := {k |
	prefix := concat("", [path, "."])
	some u in object.get(res, "unknown", [])
	startswith(u, prefix)
	k := substring(u, count(prefix), -1)
	not contains(k, ".")
}

# JSON-quoted string for messages.
q(s) := json.marshal(s)

# Sorted, JSON-quoted, comma-separated list for messages.
q_list(xs) := concat(", ", [q(x) | some x in sort(xs)])

# A finding object (the only shape a rule emits).
finding(resource, attribute, message, related) := {
	"resource": resource,
	"attribute": attribute,
	"message": message,
	"related": sort({r | some r in related}),
}

# Blocks used by the rules, at their fixed dotted paths.
image_configuration_path := "source_configuration.0.image_repository.0.image_configuration.0"

code_configuration_values_path := "source_configuration.0.code_repository.0.code_configuration.0.code_configuration_values.0"

runtime_config_paths := [image_configuration_path, code_configuration_values_path]

# The image configuration or code configuration values block at one of runtime_config_paths.
runtime_config(svc, path) := svc.values.source_configuration[0].image_repository[0].image_configuration[0] if {
	path == image_configuration_path
}

runtime_config(svc, path) := svc.values.source_configuration[0].code_repository[0].code_configuration[0].code_configuration_values[0] if {
	path == code_configuration_values_path
}

# Entries of a map attribute (runtime_environment_variables / _secrets) of the runtime configs:
# {"name", "path", "map_path", "unknown", "value"} ("value" is null when unknown).
env_entries(svc, attr) := {e |
	some cp in runtime_config_paths
	mp := concat(".", [cp, attr])
	some e in _env_entries(svc, cp, mp, attr)
}

# The entries of every service, by attribute: computed once per evaluation (a rule is evaluated once,
# a function at every call, and six rules read them).
service_env[s] := {attr: env_entries(input.resources[s], attr) | some attr in env_attrs} if some s in services

env_attrs := ["runtime_environment_variables", "runtime_environment_secrets"]

# env_entries of the resource at address s, from service_env when s is a service.
service_env_entries(s, attr) := entries if {
	entries := service_env[s][attr]
} else := env_entries(input.resources[s], attr)

_env_entries(svc, cp, mp, attr) := (known | unknown) | opaque if {
	known := {e |
		some k, v in as_object(object.get(runtime_config_or_empty(svc, cp), attr, {}))
		e := {"name": k, "path": concat(".", [mp, k]), "map_path": mp, "unknown": false, "value": v}
	}
	unknown := {e |
		some k in unknown_keys(svc, mp)
		e := {"name": k, "path": concat(".", [mp, k]), "map_path": mp, "unknown": true, "value": null}
	}
	opaque := _opaque_entries(svc, mp)
}

# A map wholly unknown until apply (plan JSON writes a map with any unknown value that way): its
# names are lost, its refs remain, so there is one entry per referenced resource.
_opaque_entries(svc, mp) := {e |
	_map_unknown(svc, mp)
	some r in refs_at(svc, mp)
	e := {"name": "", "name_unknown": true, "ref": r, "path": mp, "map_path": mp, "unknown": true, "value": null}
}

# How messages name an entry: its quoted name, or what it references when the name is unknown.
_map_unknown(svc, mp) if mp in object.get(svc, "unknown", [])

# An ancestor of the map unknown (a whole image_configuration block): computed once per service,
# since the env helpers run for every rule that reads variables or secrets.
_map_unknown(svc, mp) if mp in object.get(unknown_env_maps, object.get(svc, "address", ""), set())

unknown_env_maps[s] := maps if {
	some s in services
	svc := input.resources[s]
	maps := {mp |
		some cp in runtime_config_paths
		some attr in ["runtime_environment_variables", "runtime_environment_secrets"]
		mp := concat(".", [cp, attr])
		is_unknown(svc, mp)
	}
}

entry_name(e) := concat("", ["(name unknown until apply) from ", e.ref]) if e.name_unknown

else := q(e.name)

runtime_config_or_empty(svc, path) := c if {
	c := runtime_config(svc, path)
} else := {}

# x when it is an object, else {} (plan values write unset maps as null).
as_object(x) := x if is_object(x)

as_object(x) := {} if not is_object(x)

# Ingress: absent or true means public; only a known false is private.
public_path := "network_configuration.0.ingress_configuration.0.is_publicly_accessible"

is_public(svc) if {
	not is_unknown(svc, public_path)
	not is_private(svc)
}

is_private(svc) if svc.values.network_configuration[0].ingress_configuration[0].is_publicly_accessible == false

# Tags of a resource (tags_all, when the plan has it, includes provider default_tags).
tags(res) := object.union(as_object(object.get(res.values, "tags", {})), as_object(object.get(res.values, "tags_all", {})))

# A value unknown until apply that is a string template ending in a visible image digest
# ("${aws_ecr_repository.x.repository_url}@sha256:<64 hex>", model field visible_suffix).
visible_digest(res, path) if {
	is_unknown(res, path)
	regex.match(`^@sha256:[0-9a-f]{64}$`, object.get(res, ["visible_suffix", path], ""))
}
