// The admin's policy: annotation and env requests need its allow; config requests are
// trusted unless it says otherwise; the file itself must be root's alone.
#include <unistd.h>

#include <fstream>

#include "tests/integration/world.hpp"

using namespace netdev::test;

namespace {

std::string annotated(const std::string& devices, const std::string& more_annotations = "") {
    return R"({"annotations":{"oci-netdev-hook.devices":")" + devices + "\"" + more_annotations +
           R"(},"linux":{"namespaces":[{"type":"network"}]}})";
}

std::string with_env(const std::string& value) {
    return R"({"process":{"env":["PATH=/bin","OCI_NETDEV_HOOK_DEVICES=)" + value +
           R"("]},"linux":{"namespaces":[{"type":"network"}]}})";
}

}  // namespace

TEST_CASE("an annotation request is refused without an allow rule, naming the policy file") {
    World w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    TestPolicy policy("{}");
    Bundle b(annotated("v0=c0"));
    HookResult r = w.hook(b);
    CHECK(r.exit_code == 3);
    CHECK(r.stderr_text.find('\n') == r.stderr_text.size() - 1);
    CHECK_MESSAGE(contains(r.stderr_text, "v0: refused: no rule of " + policy.path() +
                                              " allows annotation requests to take it; to allow "
                                              "it, add {\"allow\": [{\"devices\": [\"v0\"]}]}"),
                  r.stderr_text);
    CHECK(w.on_host("v0") == before);
    CHECK(contains(r.syslog_text, "source=annotation device=v0 decision=refused rule=policy"));
}

TEST_CASE("the smallest policy lets annotation requests take eth1 and any ens5f0v* device") {
    World w;
    w.configured_veth("eth1", 2);
    w.veth("ens5f0v3");
    w.veth("ens5f1");
    TestPolicy policy(R"({"allow": [{"devices": ["eth1", "ens5f0v*"]}]})");
    Bundle ok(annotated("eth1 ens5f0v3=net1"));
    HookResult r = w.hook(ok);
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(w.in_container("eth1").addresses.size() == 3);
    CHECK(w.in_container("net1").up);
    Bundle other(annotated("ens5f1"));
    CHECK(w.hook(other).exit_code == 3);
}

TEST_CASE("the runtime wrapper's env request needs the policy like an annotation") {
    World w;
    w.configured_veth("v0", 2);
    TestPolicy none("{}");
    Bundle b(with_env("v0=e0"));
    HookResult refused = w.hook(b);
    CHECK(refused.exit_code == 3);
    CHECK(contains(refused.stderr_text, "allows env requests"));
    TestPolicy allow(R"({"allow": [{"devices": ["v0"], "sources": ["env"]}]})");
    HookResult r = w.hook(b);
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(w.in_container("e0").addresses.size() == 3);
    CHECK(contains(r.syslog_text, "source=env device=v0 decision=moved"));
}

TEST_CASE("a rule for one source does not allow another") {
    World w;
    w.veth("v0");
    TestPolicy policy(R"({"allow": [{"devices": ["v0"], "sources": ["env"]}]})");
    Bundle b(annotated("v0"));
    CHECK(w.hook(b).exit_code == 3);
}

TEST_CASE("config requests are trusted by default and need a rule once untrusted") {
    World w;
    w.veth("v0");
    w.veth("v1");
    TestPolicy policy(R"({"trusted_sources": [], "allow": [{"devices": ["v1"]}]})");
    Bundle refused(config_with(R"({"v0":{}})"));
    HookResult r = w.hook(refused);
    CHECK(r.exit_code == 3);
    CHECK(contains(r.stderr_text, "allows config requests"));
    Bundle allowed(config_with(R"({"v1":{}})"));
    HookResult ok = w.hook(allowed);
    CHECK_MESSAGE(ok.exit_code == 0, ok.stderr_text);
}

TEST_CASE("a Kubernetes namespace rule allows that namespace only (CRI-O and containerd keys)") {
    World w;
    w.veth("v0");
    w.veth("v1");
    TestPolicy policy(R"({"allow": [{"devices": ["v*"], "namespaces": ["team-a", "lab-*"]}]})");
    Bundle other(annotated("v0", R"(,"io.kubernetes.pod.namespace":"team-b")"));
    CHECK(w.hook(other).exit_code == 3);
    Bundle none(annotated("v0"));
    CHECK(w.hook(none).exit_code == 3);
    Bundle crio(annotated("v0", R"(,"io.kubernetes.pod.namespace":"team-a",)"
                                R"("io.kubernetes.pod.name":"router-7")"));
    HookResult r = w.hook(crio);
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(contains(r.syslog_text,
                   "namespace=team-a pod=router-7 source=annotation device=v0 "
                   "decision=moved"));
    Bundle containerd(annotated("v1", R"(,"io.kubernetes.cri.sandbox-namespace":"lab-3",)"
                                      R"("io.kubernetes.cri.sandbox-name":"p")"));
    HookResult r2 = w.hook(containerd);
    CHECK_MESSAGE(r2.exit_code == 0, r2.stderr_text);
    CHECK(contains(r2.syslog_text, "namespace=lab-3 pod=p"));
}

TEST_CASE("the policy sets the per-container limit") {
    World w;
    w.veth("v0");
    w.veth("v1");
    TestPolicy policy(R"({"max_devices": 1})");
    Bundle b(config_with(R"({"v0":{},"v1":{}})"));
    HookResult r = w.hook(b);
    CHECK(r.exit_code == 3);
    CHECK(contains(r.stderr_text, "more than the limit of 1 per container"));
}

TEST_CASE("a policy file writable by group or others, or not root's, is refused with exit 2") {
    World w;
    w.veth("v0");
    Bundle b(config_with(R"({"v0":{}})"));
    {
        TestPolicy policy("{}", 0664);
        HookResult r = w.hook(b);
        CHECK(r.exit_code == 2);
        CHECK(contains(r.stderr_text, "writable by group or others (mode 0664)"));
    }
    {
        TestPolicy policy("{}", 0646);
        CHECK(w.hook(b).exit_code == 2);
    }
    {
        TestPolicy policy("{}");
        REQUIRE(::chown(policy.path().c_str(), 65534, 65534) == 0);
        HookResult r = w.hook(b);
        CHECK(r.exit_code == 2);
        CHECK(contains(r.stderr_text, "must be owned by root, is owned by uid 65534"));
    }
    CHECK(w.on_host("v0").name == "v0");
}

TEST_CASE("unknown keys and bad patterns in the policy are errors naming them") {
    World w;
    w.veth("v0");
    Bundle b(config_with(R"({"v0":{}})"));
    struct Row {
        const char* policy;
        const char* named;
    };
    for (const Row& row : std::vector<Row>{
             {R"({"alow": []})", R"(: unknown key "alow")"},
             {R"({"allow": [{"devcies": ["v0"]}]})", R"(allow[0]: unknown key "devcies")"},
             {R"({"allow": [{"devices": ["eth["]}]})",
              R"(allow[0].devices[0]: bad pattern "eth[": '[' without its ']')"},
             {R"({"allow": [{"devices": ["v0"], "namespaces": ["a b"]}]})",
              "allow[0].namespaces[0]: bad pattern"},
             {R"({"allow": [{"devices": ["v0"], "lift": ["loopback"]}]})",
              "the loopback guardrail cannot be lifted"},
             {R"({"allow": [{"devices": ["v0"], "sources": ["cli"]}]})", "unknown source \"cli\""},
             {R"({"max_devices": 0})", "max_devices: expected an integer from 1 to 256"},
             {R"({"allow": [{"devices": []}]})", "allow[0].devices: is empty"},
         }) {
        CAPTURE(row.policy);
        TestPolicy policy(row.policy);
        HookResult r = w.hook(b);
        CHECK(r.exit_code == 2);
        CHECK(contains(r.stderr_text, row.named));
    }
}

TEST_CASE("a policy named by the environment but missing is an error, not an empty policy") {
    World w;
    w.veth("v0");
    Bundle b(config_with(R"({"v0":{}})"));
    ::setenv("OCI_NETDEV_HOOK_POLICY", "/nonexistent/policy.json", 1);
    HookResult r = w.hook(b);
    ::unsetenv("OCI_NETDEV_HOOK_POLICY");
    CHECK(r.exit_code == 2);
    CHECK(contains(r.stderr_text, "policy /nonexistent/policy.json: No such file"));
}

TEST_CASE("--policy on the command line wins over the environment") {
    World w;
    w.veth("v0");
    TestPolicy env_policy("{}");
    TestPolicy cli_policy(R"({"allow": [{"devices": ["v0"]}]})");
    ::setenv("OCI_NETDEV_HOOK_POLICY", env_policy.path().c_str(), 1);
    Bundle b(annotated("v0"));
    HookResult r = w.hook(b, {"--policy", cli_policy.path(), "createRuntime"});
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
}

TEST_CASE("check prints per device the decision and the rule that made it") {
    World w;
    w.veth("v0");
    w.host.sh("ip link add brc type bridge");
    TestPolicy policy(R"({"allow": [{"devices": ["v0"]}]})");
    Bundle b(annotated("v0 brc"));
    HookResult r = run_hook_binary(w.host, "", {"check", b.dir().string()});
    CHECK(r.exit_code == 3);
    CHECK_MESSAGE(contains(r.stdout_text, "  v0: allowed by policy allow[0]\n"), r.stdout_text);
    CHECK(contains(r.stdout_text, "  brc: refused by guardrail netns-local\n"));
    CHECK(contains(r.stderr_text, "brc: refused by guardrail netns-local"));
}

TEST_CASE("control characters in names and ids are escaped on stderr and in the system log") {
    World w;
    w.host.sh("ip link add \"$(printf 'v\\001x')\" type veth peer name vcp");
    TestPolicy policy(R"({"allow": [{"devices": ["v*"]}]})");
    Bundle b(annotated(R"(v\u0001x=c0 nosuch\u001b[2J)"));
    HookResult r = w.hook(b);
    CHECK(r.exit_code == 3);
    CHECK(r.stderr_text.find('\x1b') == std::string::npos);
    CHECK_MESSAGE(contains(r.stderr_text, "nosuch\\x1b[2J: no such device"), r.stderr_text);
    Bundle ok(annotated(R"(v\u0001x=c0)"));
    HookResult moved = w.hook(ok);
    CHECK_MESSAGE(moved.exit_code == 0, moved.stderr_text);
    CHECK(moved.syslog_text.find('\x01') == std::string::npos);
    CHECK(contains(moved.syslog_text, "device=v\\x01x decision=moved"));
}

TEST_CASE("status and check escape control characters in names an annotation brought") {
    World w;
    w.configured_veth("v0", 2);
    TestPolicy policy(R"({"allow": [{"devices": ["v*"]}]})");
    Bundle b(annotated(R"(v0=c\u001b]0;x\u0007)"));
    HookResult r = w.hook(b);
    REQUIRE_MESSAGE(r.exit_code == 0, r.stderr_text);
    HookResult status = run_hook_binary(w.host, "", {"status"});
    CHECK(status.exit_code == 0);
    CHECK(contains(status.stdout_text, R"(-> c\x1b]0;x\x07)"));
    CHECK(status.stdout_text.find('\x1b') == std::string::npos);
    w.veth("v1");
    Bundle next(annotated(R"(v1=d\u001bx)"));
    std::string state_file = (next.dir() / "state.json").string();
    std::ofstream(state_file) << next.state(w.init.pid());
    HookResult check = run_hook_binary(w.host, "", {"check", "--state", state_file});
    CHECK_MESSAGE(check.exit_code == 0, check.stderr_text);
    CHECK(contains(check.stdout_text, R"(v1 -> d\x1bx)"));
    CHECK(check.stdout_text.find('\x1b') == std::string::npos);
}
