#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>

#include "common/error.hpp"
#include "common/oci_model.hpp"
#include "hooks/run_hook.hpp"
#include "hooks/runtime_features.hpp"

using namespace netdev;

namespace {

Stage stage_of(const std::string& status, const std::string& pid_json) {
    std::string pid = pid_json.empty() ? "" : R"(,"pid":)" + pid_json;
    return stage_from_state(
        parse_state(R"({"id":"c","status":")" + status + "\"" + pid + R"(,"bundle":"/b"})"));
}

}  // namespace

TEST_CASE("stage from state: runc and crun") {
    CHECK(stage_of("creating", "4242") == Stage::create_runtime);  // runc createRuntime
    CHECK(stage_of("created", "4242") == Stage::create_runtime);   // crun createRuntime
    CHECK(stage_of("creating", "1") == Stage::create_container);   // runc createContainer
    CHECK(stage_of("created", "0") == Stage::create_container);    // crun createContainer
    CHECK(stage_of("stopped", "null") == Stage::poststop);         // runc poststop
    CHECK(stage_of("stopped", "0") == Stage::poststop);            // crun poststop
}

TEST_CASE("stage from state: youki's shapes") {
    // youki >= 0.6: createRuntime "creating" with the init's pid, createContainer without one.
    CHECK(stage_of("creating", "4242") == Stage::create_runtime);
    CHECK(stage_of("creating", "") == Stage::create_container);
    // youki <= 0.5.7 ran createRuntime after create: "created", with the pid.
    CHECK(stage_of("created", "4242") == Stage::create_runtime);
    // poststop "stopped" with the pid of the init that is gone.
    CHECK(stage_of("stopped", "4242") == Stage::poststop);
}

TEST_CASE("stage from state: other statuses are refused, naming the status") {
    CHECK_THROWS_WITH_AS(stage_of("running", "4242"), doctest::Contains("\"running\""), HookError);
}

TEST_CASE("runtime features: linux.netDevices.enabled true, and nothing else, means it moves") {
    CHECK(features_say_net_devices(
        R"({"ociVersionMin":"1.0.0","linux":{"netDevices":{"enabled":true}}})"));
    CHECK_FALSE(features_say_net_devices(R"({"linux":{"netDevices":{"enabled":false}}})"));
    CHECK_FALSE(features_say_net_devices(R"({"ociVersionMin":"1.0.0","linux":{"namespaces":[]}})"));
    CHECK_FALSE(features_say_net_devices(R"({"linux":{"netDevices":{"enabled":"true"}}})"));
    CHECK_FALSE(features_say_net_devices("Usage: runc ..."));
    CHECK_FALSE(features_say_net_devices(""));
}

namespace {

// A /proc/PID stand-in: exe and cwd links, a cmdline file, in a temporary directory.
struct FakeProc {
    std::filesystem::path root = std::filesystem::temp_directory_path() /
                                 ("netdev-proc-" + std::to_string(::getpid()) + "-" +
                                  std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::path proc = root / "proc";
    std::filesystem::path bin = root / "bin";
    FakeProc() {
        std::filesystem::create_directories(proc);
        std::filesystem::create_directories(bin);
        std::filesystem::create_directory_symlink(root, proc / "cwd");
    }
    ~FakeProc() { std::filesystem::remove_all(root); }
    std::string program(const std::string& name,
                        const std::string& text =
                            "\x7f"
                            "ELF",
                        bool exec = true) {
        std::filesystem::path p = bin / name;
        std::ofstream(p) << text;
        std::filesystem::permissions(
            p, exec ? std::filesystem::perms::owner_all : std::filesystem::perms::owner_read);
        return p.string();
    }
    void exe(const std::string& target) { std::filesystem::create_symlink(target, proc / "exe"); }
    void cmdline(const std::vector<std::string>& argv) {
        std::ofstream out(proc / "cmdline", std::ios::binary);
        for (const std::string& a : argv) out << a << '\0';
    }
    std::optional<RuntimeBinary> detect(const std::string& path_env = "") {
        return runtime_of_process(proc.string(), path_env);
    }
};

}  // namespace

TEST_CASE("runtime detection: an exe link naming a runtime is that runtime, run through /proc") {
    FakeProc p;
    std::string crun = p.program("crun");
    p.exe(crun);
    p.cmdline({crun, "--root", "/r", "run", "t1"});
    auto rt = p.detect();
    REQUIRE(rt);
    CHECK(rt->label == crun);
    CHECK(rt->exec_path == p.proc.string() + "/exe");
}

TEST_CASE("runtime detection: crun 1.27.1's exe reads \"/\": argv[0] of its cmdline names it") {
    // Measured on crun 1.27.1 (docs/runtimes.md): readlink /proc/PPID/exe is "/", the cmdline
    // is `/opt/crun-new/bin/crun --root DIR run ID`.
    FakeProc p;
    std::string crun = p.program("crun");
    p.exe("/");
    p.cmdline({crun, "--root", "/run/crun", "run", "t1"});
    auto rt = p.detect();
    REQUIRE(rt);
    CHECK(rt->exec_path == crun);
    CHECK(rt->label == crun);
}

TEST_CASE("runtime detection: an unreadable exe and a relative argv[0] resolve against its cwd") {
    FakeProc p;
    p.program("crun");
    p.cmdline({"bin/crun", "--root", "/r", "run", "t1"});  // no exe link at all
    auto rt = p.detect();
    REQUIRE(rt);
    CHECK(rt->exec_path == p.proc.string() + "/cwd/bin/crun");
}

TEST_CASE("runtime detection: a bare argv[0] is looked up in the parent's PATH, in order") {
    FakeProc p;
    std::string runc = p.program("runc");
    p.exe("/");
    p.cmdline({"runc", "--root", "/r", "create", "t1"});
    auto rt = p.detect("/nonexistent:" + p.bin.string() + ":/usr/bin");
    REQUIRE(rt);
    CHECK(rt->exec_path == runc);
    CHECK_FALSE(p.detect("/nonexistent"));
}

TEST_CASE("runtime detection: a runtime written as a script is the script, not bash") {
    FakeProc p;
    std::string script = p.program("runc-standin", "#!/bin/bash\necho\n");
    p.exe("/usr/bin/bash");
    p.cmdline({"/bin/bash", script, "run", "b", "id"});
    auto rt = p.detect();
    REQUIRE(rt);
    CHECK(rt->exec_path == script);
}

TEST_CASE("runtime detection: parents that are no runtime are never run with `features`") {
    SUBCASE("a shell") {
        FakeProc p;
        p.exe("/usr/bin/bash");
        p.cmdline({"-bash"});
        CHECK_FALSE(p.detect());
    }
    SUBCASE("an interpreter whose first argument is an option (runc's --root)") {
        FakeProc p;
        p.exe("/usr/bin/bash");
        p.cmdline({"/usr/bin/bash", "--root", "/r"});
        CHECK_FALSE(p.detect());
    }
    SUBCASE("exe reads \"/\" and argv[0] names no runtime") {
        FakeProc p;
        p.exe("/");
        p.cmdline({"/usr/sbin/containerd-shim", "--root", "/r"});
        CHECK_FALSE(p.detect());
    }
    SUBCASE("a runtime-named file that is not executable") {
        FakeProc p;
        std::string crun = p.program("crun", "x", false);
        p.exe("/");
        p.cmdline({crun, "run", "t1"});
        CHECK_FALSE(p.detect());
    }
    SUBCASE("no cmdline and no exe") {
        FakeProc p;
        CHECK_FALSE(p.detect());
    }
}

TEST_CASE("runtime detection: argv[0] counts only when the exe link reads \"/\" or is unreadable") {
    // A process running another binary under a runtime's name is not that runtime.
    FakeProc p;
    std::string crun = p.program("crun");
    p.exe("/usr/bin/python3");
    p.cmdline({crun, "--root", "/r", "run", "t1"});
    CHECK_FALSE(p.detect());
}

TEST_CASE("runtime detection: a FIFO named like a runtime script is not waited on") {
    FakeProc p;
    std::string fifo = (p.bin / "runc-fifo").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    p.exe("/usr/bin/bash");
    p.cmdline({"/bin/bash", fifo, "run"});
    CHECK_FALSE(p.detect());  // returns: O_NONBLOCK, and not a regular file
}
