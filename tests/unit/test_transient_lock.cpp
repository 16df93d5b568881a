// Lock files removed on release: a waiter that wakes on a removed file must lock again, or
// two hooks would each hold "the" lock on a different inode.
#include <doctest/doctest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include "common/state_dir.hpp"

using namespace netdev;

namespace {

// True once a flock waiter of this process shows in /proc/locks ("-> FLOCK ... PID ...").
bool someone_waits() {
    std::ifstream locks("/proc/locks");
    std::string line, pid = " " + std::to_string(::getpid()) + " ";
    while (std::getline(locks, line))
        if (line.find("-> FLOCK") != std::string::npos && line.find(pid) != std::string::npos)
            return true;
    return false;
}

struct TempDir {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("netdev-lock-" + std::to_string(::getpid()));
    TempDir() { std::filesystem::create_directories(path); }
    ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("a waiter woken on a removed lock file locks the new one, and the file goes with it") {
    TempDir tmp;
    StateDir dir(tmp.path.string());
    const std::filesystem::path file = tmp.path / "dev-7.lock";
    std::optional<TransientLock> first(dir.lock_transient("dev-7.lock"));
    REQUIRE(std::filesystem::exists(file));

    std::optional<TransientLock> second;
    bool second_sees_no_other_holder = false;
    std::thread waiter([&] {
        second.emplace(dir.lock_transient("dev-7.lock"));
        // Whoever opens the name now must find it locked: it is the file we hold.
        int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
        second_sees_no_other_holder = fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) != 0;
        if (fd >= 0) ::close(fd);
    });
    while (!someone_waits()) std::this_thread::yield();
    first.reset();  // removes the file while the waiter is blocked on it
    waiter.join();
    CHECK(second_sees_no_other_holder);
    CHECK(std::filesystem::exists(file));
    second.reset();
    CHECK_FALSE(std::filesystem::exists(file));
}
