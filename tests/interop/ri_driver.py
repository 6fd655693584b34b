#!/usr/bin/env python3
# The mPlane reference implementation's side of tests/interop/ri.test.ts.
#   ri_driver.py RI_DIR specs   < capabilities envelope  -> JSON list of specifications
#   ri_driver.py RI_DIR result  < one result             -> {"label","columns","rows"}
# Specifications are made the way the RI's client makes them (master: mplane/client.py
# BaseClient._spec_for — Specification(capability=cap), set_when, set_parameter_value,
# retoken, label "<cap label>-N"; develop: ClientShell.fill_spec — the same plus
# set_single_values, label kept); mplane.client itself is not imported because it needs
# tornado and urllib3. Every capability, specification and result goes through the RI's
# own parser (mplane.model.parse_json), which resolves each element in the registry the
# capability names (served over HTTP by the test).
import json
import sys

sys.path.insert(0, sys.argv[1])
import mplane.model  # noqa: E402

mplane.model.initialize_registry()

VALUES = {
    "destination.ip4": "127.0.0.1", "destination.ip6": "::1", "destination.name": "localhost",
    "traceroute.hops.max": "2", "traceroute.queries": "1", "traceroute.wait.s": "1", "traceroute.protocol": "icmp",
    "ping.timeout.s": "1", "ott.http.timeout.ms": "1000", "ott.protocol": "auto", "ott.mode": "adaptive",
}


def value_for(name, constraint, extra):
    if name in extra:
        return extra[name]
    if name in VALUES and (constraint == "*" or VALUES[name] in constraint.split(",") or " ... " in constraint):
        return VALUES[name]
    if " ... " in constraint:
        return constraint.split(" ... ")[0]
    return constraint.split(",")[0]


def when_for(cap_when):
    # The RI writes durations in whole seconds (When("now + 1s / 0.5s") becomes
    # "now + 1s / 0s"), so its clients cannot ask for sub-second periods: use 1 s.
    if "/ 10s" in cap_when:
        return "now + 10s / 10s"
    return "now + 2s / 1s" if "/" in cap_when else "now"


def specs(extra):
    env = json.load(sys.stdin)
    out = []
    n = 0
    for c in env["contents"]:
        cap = mplane.model.parse_json(json.dumps(c))  # the RI reads the capability
        spec = mplane.model.Specification(capability=cap)
        spec.set_when(when_for(c["when"]))
        if hasattr(spec, "set_single_values"):  # develop's client.py fill_spec does this
            spec.set_single_values()
        for pname in spec.parameter_names():
            if spec.get_parameter_value(pname) is None:
                spec.set_parameter_value(pname, value_for(pname, c["parameters"][pname], extra))
        if hasattr(spec, "retoken"):
            spec.retoken()
        if hasattr(spec, "set_label"):  # master's client relabels; develop's keeps the label
            spec.set_label(cap.get_label() + "-" + str(n))
        n += 1
        spec.validate()
        out.append({"capability": c["label"], "results": list(cap.result_column_names()),
                    "specification": json.loads(mplane.model.unparse_json(spec))})
    json.dump(out, sys.stdout)


def result():
    res = mplane.model.parse_json(sys.stdin.read())
    if not hasattr(res, "result_column_names"):  # an mPlane exception
        json.dump({"kind": type(res).__name__, "message": str(getattr(res, "_errmsg", ""))}, sys.stdout)
        return
    json.dump({"kind": type(res).__name__, "label": res.get_label(), "columns": list(res.result_column_names()),
               "rows": res.count_result_rows()}, sys.stdout)


if __name__ == "__main__":
    if sys.argv[2] == "specs":
        specs(json.loads(sys.argv[3]) if len(sys.argv) > 3 else {})
    else:
        result()
