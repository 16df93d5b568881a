#!/usr/bin/env python3
"""Every file in config/ parses, and the hooks.d files say what oci-hooks(5) 1.0.0 asks."""
import json
import pathlib
import sys
import tomllib

import yaml

HOOK_STAGES = {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"}


def check_engine_json(path, doc):
    """The engine files: Docker's daemon.json, the wrapper's settings, a CDI spec, a base spec."""
    if path.parent.name == "docker":
        paths = [r["path"] for r in doc["runtimes"].values()]
        return None if paths and all(p.startswith("/") for p in paths) else "runtimes without absolute paths"
    if path.parent.name == "runtime-wrapper":
        unknown = set(doc) - {"runtime", "hook", "hook_args"}
        return f"unknown settings {sorted(unknown)}" if unknown else None
    if path.parent.name == "cdi":
        nets = [n for d in doc["devices"] for n in d["containerEdits"].get("netDevices", [])]
        hooks = doc["containerEdits"]["hooks"]
        ok = (doc["cdiVersion"] and "/" in doc["kind"] and nets
              and all(n["hostInterfaceName"] and n["name"] for n in nets)
              and all(h["hookName"] in HOOK_STAGES and h["path"].startswith("/") for h in hooks))
        return None if ok else "not a CDI spec with netDevices and the hook"
    stages = doc.get("hooks", {})
    ok = "ociVersion" in doc and all(
        any(h["path"].endswith("/oci-netdev-hook") for h in stages.get(s, []))
        for s in ("createRuntime", "createContainer", "poststop"))
    return None if ok else "a base spec without the hook at createRuntime, createContainer, poststop"


config = pathlib.Path(sys.argv[1])
problems = []
checked = 0
for path in sorted(config.rglob("*")):
    if path.suffix == ".json":
        doc = json.loads(path.read_text())
        if path.parent.name == "hooks.d":
            ok = (doc.get("version") == "1.0.0" and doc["hook"]["path"].startswith("/")
                  and doc["hook"]["args"][0] == "oci-netdev-hook"
                  and doc["hook"]["args"][-1] in doc["stages"]
                  and all(k.startswith("^oci-netdev-hook\\.") for k in doc["when"]["annotations"]))
            if not ok:
                problems.append(f"{path}: not a valid oci-hooks 1.0.0 file for this hook")
        elif path.parent.name in ("docker", "runtime-wrapper", "cdi", "containerd"):
            problem = check_engine_json(path, doc)
            if problem:
                problems.append(f"{path}: {problem}")
        else:
            assert "netDevices" in doc["linux"], path
    elif path.suffix == ".yaml":
        docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
        for d in docs:
            if "apiVersion" not in d or "kind" not in d:
                problems.append(f"{path}: a document without apiVersion/kind")
    elif path.suffix in (".conf", ".toml"):
        doc = tomllib.loads(path.read_text())
        if path.parent.name == "containerd":
            handler = doc["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]["netdev"]
            if handler.get("pod_annotations") != ["oci-netdev-hook.*"] or not (
                    handler.get("options", {}).get("BinaryName", "").startswith("/")
                    or handler.get("base_runtime_spec", "").startswith("/")):
                problems.append(f"{path}: no netdev handler with pod_annotations and a binary or base spec")
    else:
        continue
    checked += 1
    print(f"ok   {path.relative_to(config)}")
for p in problems:
    print(f"FAIL {p}")
print(f"{checked - len(problems)} passed, {len(problems)} failed")
sys.exit(1 if problems else 0)
