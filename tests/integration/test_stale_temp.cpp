// Issue 17, fault 2: a run SIGKILLed between writing a record's temporary file and renaming
// it over the record leaves `.<id>@<hash>.record.tmp<pid>` behind. The next run and `recover`
// remove such files of writers that are gone, and never follow a link to do so.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "netdev/records.hpp"
#include "tests/integration/in_process.hpp"

using namespace netdev;
using namespace netdev::test;

namespace {

// What StateDir::write_file leaves when SIGKILL comes before its rename: a child creates
// `.<name>.tmp<its pid>` with half a record and is killed. Returns the file's name.
std::string killed_writer(const std::filesystem::path& dir, const std::string& name) {
    int done[2];
    REQUIRE(::pipe(done) == 0);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        std::string tmp = (dir / ("." + name + ".tmp" + std::to_string(::getpid()))).string();
        int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
        if (fd < 0) ::_exit(1);
        (void)!::write(fd, "{\"id\":\"half", 11);
        (void)!::write(done[1], "x", 1);
        ::pause();  // SIGKILL from the parent, as a runtime kills a hook past its timeout
        ::_exit(2);
    }
    ::close(done[1]);
    bool written = read_one_byte(done[0]);
    ::close(done[0]);
    ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    REQUIRE(written);
    REQUIRE((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL));
    std::string file = "." + name + ".tmp" + std::to_string(pid);
    REQUIRE(std::filesystem::exists(dir / file));
    return file;
}

}  // namespace

TEST_CASE(
    "a record's temporary file left by a killed run: removed by the next run, no link followed") {
    World w;
    w.configured_veth("v0", 2);
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    TempStateDir dir;
    const std::string record = record_file_name(b.id(), b.dir().string());
    std::string stale = killed_writer(dir.path, record);
    // A link of the same shape (a dead writer's pid) to a file outside: removed, not followed.
    Bundle outside("{}");
    std::filesystem::path victim = outside.dir() / "victim";
    std::ofstream(victim) << "keep me";
    std::string pid = stale.substr(stale.rfind(".tmp") + 4);
    std::string link = ".other@0.record.tmp" + pid;
    std::filesystem::create_symlink(victim, dir.path / link);
    // A writer that is still running (this test process): its file is its own business.
    std::string live = ".live@0.record.tmp" + std::to_string(::getpid());
    std::ofstream(dir.path / live) << "{";

    HookResult r = w.hook(b, {"--state-dir", dir.str(), "createRuntime"});
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(link_names(w.container) == std::vector<std::string>{"c0"});
    CHECK_FALSE(std::filesystem::exists(std::filesystem::symlink_status(dir.path / stale)));
    CHECK_FALSE(std::filesystem::exists(std::filesystem::symlink_status(dir.path / link)));
    CHECK(std::filesystem::exists(victim));
    std::string kept;
    std::getline(std::ifstream(victim), kept);
    CHECK(kept == "keep me");
    CHECK(std::filesystem::exists(dir.path / live));
    CHECK(std::filesystem::exists(dir.path / record));
}

TEST_CASE("recover and poststop remove a killed run's temporary files, recover says so") {
    World w;
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    TempStateDir dir;
    std::string stale = killed_writer(dir.path, record_file_name(b.id(), b.dir().string()));
    HookResult r = run_hook_binary(w.host, "", {"--state-dir", dir.str(), "recover"});
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(contains(r.stdout_text,
                   "removed " + stale + ", a temporary file of a run that was killed\n"));
    CHECK(std::filesystem::is_empty(dir.path));

    stale = killed_writer(dir.path, record_file_name(b.id(), b.dir().string()));
    r = run_hook_binary(w.host, b.state(0, "stopped"), {"--state-dir", dir.str(), "poststop"});
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(std::filesystem::is_empty(dir.path));
}
