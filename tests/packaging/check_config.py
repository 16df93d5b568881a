#!/usr/bin/env python3
"""Every file in config/ parses, and the hooks.d files say what oci-hooks(5) 1.0.0 asks."""
import json
import pathlib
import sys
import tomllib

import yaml

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
        else:
            assert "netDevices" in doc["linux"], path
    elif path.suffix == ".yaml":
        docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
        for d in docs:
            if "apiVersion" not in d or "kind" not in d:
                problems.append(f"{path}: a document without apiVersion/kind")
    elif path.suffix == ".conf":
        tomllib.loads(path.read_text())
    else:
        continue
    checked += 1
    print(f"ok   {path.relative_to(config)}")
for p in problems:
    print(f"FAIL {p}")
print(f"{checked - len(problems)} passed, {len(problems)} failed")
sys.exit(1 if problems else 0)
