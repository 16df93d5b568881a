// The request loop against a byte-level fake kernel: sequence numbers, acks, errors with
// extended-ack text, stale replies, interrupted dumps, batches.
#include <doctest/doctest.h>
#include <linux/rtnetlink.h>

#include <cerrno>

#include "common/error.hpp"
#include "tests/support/fake_kernel.hpp"

using namespace netdev;
using namespace netdev::test;

namespace {

void put_ifinfo(MessageBuilder& msg, int index) {
    msg.extra_header<ifinfomsg>().ifi_index = index;
}

}  // namespace

TEST_CASE("a request is stamped with REQUEST, ACK and a fresh sequence number") {
    FakeSocket f([](FakeKernel& k, const nlmsghdr& req) { k.ack(req); });
    MessageBuilder a(RTM_NEWLINK, 0), b(RTM_NEWLINK, 0);
    put_ifinfo(a, 1);
    put_ifinfo(b, 1);
    f.sock.transact(a, "first");
    f.sock.transact(b, "second");
    REQUIRE(f.kernel->requests.size() == 2);
    const nlmsghdr& r0 = as_nlmsg(f.kernel->requests[0]);
    const nlmsghdr& r1 = as_nlmsg(f.kernel->requests[1]);
    CHECK(r0.nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK));
    CHECK(r1.nlmsg_seq == r0.nlmsg_seq + 1);
}

TEST_CASE("REPLACE|EXCL on a NEW request is not mistaken for a dump") {
    FakeSocket f([](FakeKernel& k, const nlmsghdr& req) { k.ack(req); });
    MessageBuilder m(RTM_NEWADDR, NLM_F_REPLACE | NLM_F_EXCL);
    m.extra_header<ifaddrmsg>();
    f.sock.transact(m, "add");
    CHECK((as_nlmsg(f.kernel->requests[0]).nlmsg_flags & NLM_F_ACK));
}

TEST_CASE("a kernel error carries errno, the operation, the netns and the extack text") {
    FakeSocket f([](FakeKernel& k, const nlmsghdr& req) {
        k.ack(req, EINVAL, "The interface netns is immutable");
    });
    MessageBuilder m(RTM_NEWLINK, 0);
    put_ifinfo(m, 3);
    try {
        f.sock.transact(m, "move br0");
        FAIL("no error");
    } catch (const HookError& e) {
        CHECK(e.sys_errno() == EINVAL);
        CHECK(
            std::string(e.what()) ==
            "move br0 in fake netns: Invalid argument (kernel: The interface netns is immutable)");
    }
}

TEST_CASE("an error without extack names only errno") {
    FakeSocket f([](FakeKernel& k, const nlmsghdr& req) { k.ack(req, EEXIST); });
    MessageBuilder m(RTM_NEWLINK, 0);
    put_ifinfo(m, 3);
    CHECK_THROWS_WITH_AS(f.sock.transact(m, "rename"), "rename in fake netns: File exists",
                         HookError);
}

TEST_CASE("replies with a stale sequence number or another port are ignored") {
    FakeSocket f([](FakeKernel& k, const nlmsghdr& req) {
        nlmsghdr stale = req;
        stale.nlmsg_seq -= 7;
        k.ack(stale, EBUSY);
        ReplyMessage other(NLMSG_ERROR, req);
        other.header()->nlmsg_pid = 1;
        other.extra_header<nlmsgerr>().error = -EPERM;
        k.queue(other);
        k.ack(req);
    });
    MessageBuilder m(RTM_NEWLINK, 0);
    put_ifinfo(m, 3);
    CHECK_NOTHROW(f.sock.transact(m, "set up"));
}

TEST_CASE("a dump delivers every reply until NLMSG_DONE") {
    FakeSocket f([](FakeKernel& k, const nlmsghdr& req) {
        for (int i = 1; i <= 3; ++i) {
            ReplyMessage r(RTM_NEWLINK, req, NLM_F_MULTI);
            r.extra_header<ifinfomsg>().ifi_index = i;
            k.queue(r, i > 1);  // two in one datagram, as the kernel packs them
        }
        k.done(req);
    });
    MessageBuilder m(RTM_GETLINK, NLM_F_DUMP);
    m.extra_header<ifinfomsg>();
    std::vector<int> seen;
    f.sock.transact(m, "list", [&](const nlmsghdr& nlh) {
        seen.push_back(static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(&nlh))->ifi_index);
    });
    CHECK(seen == std::vector<int>{1, 2, 3});
    CHECK_FALSE((as_nlmsg(f.kernel->requests[0]).nlmsg_flags & NLM_F_ACK));
}

TEST_CASE("an interrupted dump is reported as EINTR") {
    FakeSocket f([](FakeKernel& k, const nlmsghdr& req) { k.done(req, NLM_F_DUMP_INTR); });
    MessageBuilder m(RTM_GETADDR, NLM_F_DUMP);
    m.extra_header<ifaddrmsg>();
    try {
        f.sock.transact(m, "list addresses");
        FAIL("no error");
    } catch (const HookError& e) {
        CHECK(e.sys_errno() == EINTR);
    }
}

TEST_CASE("a batch reads every ack, then reports the first error") {
    int n = 0;
    FakeSocket f([&](FakeKernel& k, const nlmsghdr& req) {
        ++n;
        k.ack(req, n == 2 ? EADDRNOTAVAIL : (n == 3 ? EEXIST : 0));
    });
    MessageBatch batch;
    for (int i = 0; i < 4; ++i) {
        MessageBuilder m(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE);
        m.extra_header<ifaddrmsg>();
        batch.add(m);
    }
    CHECK_THROWS_WITH_AS(f.sock.transact(batch, "restore"),
                         "restore in fake netns: Cannot assign requested address", HookError);
    CHECK(f.kernel->requests.size() == 4);
    // The socket is still in step: the next request gets its own answer.
    MessageBuilder next(RTM_NEWLINK, 0);
    put_ifinfo(next, 1);
    CHECK_NOTHROW(f.sock.transact(next, "after"));
}

TEST_CASE("in a batch only the last request asks for an ack; an error of any is still seen") {
    FakeSocket f([](FakeKernel& k, const nlmsghdr& req) {
        bool last = req.nlmsg_flags & NLM_F_ACK;
        k.ack(req, last ? 0 : EINVAL, last ? "" : "bad prefix");
    });
    MessageBatch batch;
    for (int i = 0; i < 100; ++i) {
        MessageBuilder m(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE);
        m.extra_header<ifaddrmsg>();
        batch.add(m);
    }
    CHECK_THROWS_WITH_AS(f.sock.transact(batch, "restore"),
                         "restore in fake netns: Invalid argument (kernel: bad prefix)", HookError);
    int acked = 0;
    for (const auto& r : f.kernel->requests) acked += (as_nlmsg(r).nlmsg_flags & NLM_F_ACK) != 0;
    CHECK(acked == 1);
}

TEST_CASE("transact_expecting returns the expected errno, throws any other as transact does") {
    FakeSocket absent([](FakeKernel& k, const nlmsghdr& req) { k.ack(req, ENODEV); });
    MessageBuilder a(RTM_GETLINK, 0);
    put_ifinfo(a, 7);
    CHECK(absent.sock.transact_expecting(a, "look up #7", ENODEV) == ENODEV);

    FakeSocket fine([](FakeKernel& k, const nlmsghdr& req) { k.ack(req); });
    MessageBuilder b(RTM_GETLINK, 0);
    put_ifinfo(b, 7);
    CHECK(fine.sock.transact_expecting(b, "look up #7", ENODEV) == 0);

    FakeSocket denied([](FakeKernel& k, const nlmsghdr& req) { k.ack(req, EPERM, "nope"); });
    MessageBuilder c(RTM_GETLINK, 0);
    put_ifinfo(c, 7);
    try {
        denied.sock.transact_expecting(c, "look up #7", ENODEV);
        FAIL("no error");
    } catch (const HookError& e) {
        CHECK(e.sys_errno() == EPERM);
        CHECK(std::string(e.what()) ==
              "look up #7 in fake netns: Operation not permitted (kernel: nope)");
    }
}
