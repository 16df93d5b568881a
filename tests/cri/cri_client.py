#!/usr/bin/python3
"""A stand-in kubelet for tests/e2e/cri.sh: the few CRI calls kubelet makes to run a pod.

    cri_client.py --socket SOCK --stubs DIR COMMAND ARGS...

DIR holds the Python modules generated from tests/cri/cri_api.proto (cri.sh makes them with
python3 -m grpc_tools.protoc at test time). Commands:

    version                                  runtime name, version and CRI API version
    ready                                    exit 0 once RuntimeReady and NetworkReady
    runp NAME CONFIG_OUT [KEY=VALUE...]      RunPodSandbox, handler from $CRI_HANDLER
                                             ("netdev" if unset), the cgroup parent from
                                             $CRI_CGROUP_PARENT, the annotations given;
                                             prints "ID MS" (the call's wall time); the pod
                                             config is saved to CONFIG_OUT for create
    create POD_ID CONFIG NAME IMAGE CMD...   CreateContainer; prints the container id
    start CID                                StartContainer
    exec CID CMD...                          ExecSync: the command's stdout, its stderr on
                                             stderr, its exit code as ours
    pid POD_ID                               the sandbox's init pid (verbose status)
    state POD_ID                             READY or NOTREADY
    stopp POD_ID / rmp POD_ID                StopPodSandbox / RemovePodSandbox

A failed call prints "CODE: DETAILS" (the gRPC status, containerd's error text) on stderr and
exits 1.
"""
import json
import os
import sys
import time


def main(argv):
    if len(argv) < 6 or argv[1] != "--socket" or argv[3] != "--stubs":
        sys.stderr.write(__doc__)
        return 2
    sock, stubs, cmd, args = argv[2], argv[4], argv[5], argv[6:]
    sys.path.insert(0, stubs)
    import grpc
    import cri_api_pb2 as pb
    import cri_api_pb2_grpc as pb_grpc

    channel = grpc.insecure_channel("unix://" + sock)
    rt = pb_grpc.RuntimeServiceStub(channel)
    timeout = 60
    try:
        if cmd == "version":
            v = rt.Version(pb.VersionRequest(version="v1"), timeout=timeout)
            print(v.runtime_name, v.runtime_version, v.runtime_api_version)
        elif cmd == "ready":
            st = rt.Status(pb.StatusRequest(), timeout=timeout)
            conds = {c.type: c.status for c in st.status.conditions}
            if not (conds.get("RuntimeReady") and conds.get("NetworkReady")):
                print(st.status)
                return 1
        elif cmd == "runp":
            name, config_out = args[0], args[1]
            config = pb.PodSandboxConfig(
                metadata=pb.PodSandboxMetadata(name=name, uid="uid-" + name, namespace="default"),
                hostname=name,
                linux=pb.LinuxPodSandboxConfig(
                    cgroup_parent=os.environ.get("CRI_CGROUP_PARENT", ""),
                    security_context=pb.LinuxSandboxSecurityContext(
                    namespace_options=pb.NamespaceOption(network=pb.POD, pid=pb.CONTAINER,
                                                         ipc=pb.POD))))
            config.labels["io.kubernetes.pod.name"] = name
            for kv in args[2:]:
                key, _, value = kv.partition("=")
                config.annotations[key] = value
            with open(config_out, "wb") as f:
                f.write(config.SerializeToString())
            handler = os.environ.get("CRI_HANDLER", "netdev")
            t0 = time.monotonic()
            r = rt.RunPodSandbox(pb.RunPodSandboxRequest(config=config, runtime_handler=handler),
                                 timeout=timeout)
            ms = (time.monotonic() - t0) * 1000
            print(r.pod_sandbox_id, round(ms))
        elif cmd == "create":
            pod_id, config_file, name, image = args[:4]
            sandbox_config = pb.PodSandboxConfig()
            with open(config_file, "rb") as f:
                sandbox_config.ParseFromString(f.read())
            config = pb.ContainerConfig(
                metadata=pb.ContainerMetadata(name=name), image=pb.ImageSpec(image=image),
                command=args[4:], envs=[pb.KeyValue(key="PATH", value="/bin")],
                linux=pb.LinuxContainerConfig(security_context=pb.LinuxContainerSecurityContext(
                    namespace_options=pb.NamespaceOption(network=pb.POD, pid=pb.CONTAINER,
                                                         ipc=pb.POD))))
            # kubelet passes the pod's annotations to the sandbox only; containerd adds its
            # own io.kubernetes.cri.* ones to every container.
            r = rt.CreateContainer(pb.CreateContainerRequest(
                pod_sandbox_id=pod_id, config=config, sandbox_config=sandbox_config),
                timeout=timeout)
            print(r.container_id)
        elif cmd == "start":
            rt.StartContainer(pb.StartContainerRequest(container_id=args[0]), timeout=timeout)
        elif cmd == "exec":
            r = rt.ExecSync(pb.ExecSyncRequest(container_id=args[0], cmd=args[1:], timeout=20),
                            timeout=timeout)
            sys.stdout.write(r.stdout.decode(errors="replace"))
            sys.stderr.write(r.stderr.decode(errors="replace"))
            return r.exit_code
        elif cmd == "pid":
            r = rt.PodSandboxStatus(pb.PodSandboxStatusRequest(pod_sandbox_id=args[0],
                                                               verbose=True), timeout=timeout)
            print(json.loads(r.info["info"])["pid"])
        elif cmd == "state":
            r = rt.PodSandboxStatus(pb.PodSandboxStatusRequest(pod_sandbox_id=args[0]),
                                    timeout=timeout)
            print(pb.PodSandboxState.Name(r.status.state).replace("SANDBOX_", ""))
        elif cmd == "stopp":
            rt.StopPodSandbox(pb.StopPodSandboxRequest(pod_sandbox_id=args[0]), timeout=timeout)
        elif cmd == "rmp":
            rt.RemovePodSandbox(pb.RemovePodSandboxRequest(pod_sandbox_id=args[0]),
                                timeout=timeout)
        else:
            sys.stderr.write("cri_client.py: unknown command %s\n" % cmd)
            return 2
    except grpc.RpcError as e:
        sys.stderr.write("%s: %s\n" % (e.code().name, e.details()))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
