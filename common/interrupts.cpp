#include "common/interrupts.hpp"

#include <signal.h>
#include <sys/time.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>

#include "common/error.hpp"

namespace netdev {
namespace {

volatile std::sig_atomic_t g_signal = 0;
std::optional<std::chrono::steady_clock::time_point> g_deadline;
double g_deadline_seconds = 0;

void on_signal(int sig) {
    if (g_signal == 0) g_signal = sig;
}

void catch_signal(int sig) {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: a blocking wait (a lock) returns EINTR and checks
    if (::sigaction(sig, &sa, nullptr) != 0)
        throw_errno(ExitCode::failed_restored, "sigaction", errno);
}

}  // namespace

timeval timeval_of_seconds(double seconds) {
    // Integer arithmetic: std::floor would be a libm call in a build that does not inline it.
    auto us = static_cast<long long>(seconds * 1e6);
    return {static_cast<time_t>(us / 1000000), static_cast<suseconds_t>(us % 1000000)};
}

void arm_interrupts(std::optional<double> deadline_seconds) {
    catch_signal(SIGTERM);
    catch_signal(SIGINT);
    if (!deadline_seconds) return;
    catch_signal(SIGALRM);
    g_deadline_seconds = *deadline_seconds;
    g_deadline = std::chrono::steady_clock::now() +
                 std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                     std::chrono::duration<double>(*deadline_seconds));
    itimerval timer{};
    timer.it_value = timeval_of_seconds(*deadline_seconds);
    if (timer.it_value.tv_sec == 0 && timer.it_value.tv_usec == 0) timer.it_value.tv_usec = 1;
    if (::setitimer(ITIMER_REAL, &timer, nullptr) != 0)
        throw_errno(ExitCode::failed_restored, "setitimer", errno);
}

void throw_if_interrupted() {
    int sig = g_signal;
    if (sig == SIGALRM || (g_deadline && std::chrono::steady_clock::now() >= *g_deadline)) {
        throw HookError(
            ExitCode::failed_restored,
            "the deadline of " + seconds_text(g_deadline_seconds) + " s (--deadline) passed");
    }
    if (sig != 0)
        throw HookError(ExitCode::failed_restored,
                        std::string("interrupted by ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT"));
}

std::string seconds_text(double seconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", seconds);
    return text;
}

std::optional<double> seconds_left() {
    if (!g_deadline) return std::nullopt;
    double left =
        std::chrono::duration<double>(*g_deadline - std::chrono::steady_clock::now()).count();
    return left > 0 ? left : 0;
}

}  // namespace netdev
