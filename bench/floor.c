/*
 * The benchmark's floors, minimal C on libmnl, no JSON, no logging, no checks beyond errors:
 *   floor move HOSTDEV NEWNAME NETNS_PATH   only the RTM_NEWLINK move (the kernel's own cost)
 *   floor full HOSTDEV NEWNAME NETNS_PATH   the whole algorithm: lookup, strict filtered
 *       address dump, down, move, lookup by ifindex in the target, one batched restore, up
 * Written for bench/ only: the best a hook could do, to compare oci-netdev-hook against.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned seq = 1;
static char rbuf[1 << 16];

static void die(const char *what) { perror(what); exit(1); }

static struct mnl_socket *open_rtnl(void) {
    struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
    int on = 1;
    if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) die("netlink");
    mnl_socket_setsockopt(nl, NETLINK_GET_STRICT_CHK, &on, sizeof on);
    mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &on, sizeof on);
    return nl;
}

/* Sends `len` bytes holding `count` requests; feeds data replies to cb; dies on an error. */
static void talk(struct mnl_socket *nl, void *req, size_t len, int count, mnl_cb_t cb, void *data) {
    if (mnl_socket_sendto(nl, req, len) < 0) die("send");
    while (count > 0) {
        int n = (int)mnl_socket_recvfrom(nl, rbuf, sizeof rbuf);
        if (n < 0) die("recv");
        for (struct nlmsghdr *h = (struct nlmsghdr *)rbuf; mnl_nlmsg_ok(h, n); h = mnl_nlmsg_next(h, &n)) {
            if (h->nlmsg_type == NLMSG_ERROR) {
                struct nlmsgerr *e = mnl_nlmsg_get_payload(h);
                if (e->error) { errno = -e->error; die("request"); }
                count--;
            } else if (h->nlmsg_type == NLMSG_DONE) {
                count--;
            } else if (cb) {
                cb(h, data);
            }
        }
    }
}

static struct nlmsghdr *put_req(char *buf, int type, int flags) {
    struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
    h->nlmsg_type = type;
    h->nlmsg_flags = NLM_F_REQUEST | flags;
    h->nlmsg_seq = seq++;
    return h;
}

struct link { int index; unsigned flags; };

static int link_cb(const struct nlmsghdr *h, void *data) {
    struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);
    struct link *l = data;
    l->index = ifi->ifi_index;
    l->flags = ifi->ifi_flags;
    return MNL_CB_OK;
}

static struct link get_link(struct mnl_socket *nl, const char *name, int index) {
    char buf[512];
    struct nlmsghdr *h = put_req(buf, RTM_GETLINK, NLM_F_ACK);
    struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof *ifi);
    ifi->ifi_index = index;
    if (name) mnl_attr_put_strz(h, IFLA_IFNAME, name);
    mnl_attr_put_u32(h, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    struct link l = {0, 0};
    talk(nl, buf, h->nlmsg_len, 1, link_cb, &l);
    return l;
}

static void set_up(struct mnl_socket *nl, int index, int up) {
    char buf[256];
    struct nlmsghdr *h = put_req(buf, RTM_NEWLINK, NLM_F_ACK);
    struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof *ifi);
    ifi->ifi_index = index;
    ifi->ifi_change = IFF_UP;
    ifi->ifi_flags = up ? IFF_UP : 0;
    talk(nl, buf, h->nlmsg_len, 1, NULL, NULL);
}

static void move(struct mnl_socket *nl, int index, int nsfd, const char *name) {
    char buf[256];
    struct nlmsghdr *h = put_req(buf, RTM_NEWLINK, NLM_F_ACK);
    struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof *ifi);
    ifi->ifi_index = index;
    mnl_attr_put_u32(h, IFLA_NET_NS_FD, (unsigned)nsfd);
    mnl_attr_put_strz(h, IFLA_IFNAME, name);
    talk(nl, buf, h->nlmsg_len, 1, NULL, NULL);
}

/* Kept addresses, re-encoded as RTM_NEWADDR requests in one growing buffer. */
struct batch { char *buf; size_t len, cap; int count; int index; const char *label; };

static int addr_cb(const struct nlmsghdr *h, void *data) {
    struct batch *b = data;
    struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(h);
    unsigned flags = ifa->ifa_flags;
    struct nlattr *a;
    mnl_attr_for_each(a, h, sizeof *ifa)
        if (mnl_attr_get_type(a) == IFA_FLAGS) flags = mnl_attr_get_u32(a);
    if (!(flags & IFA_F_PERMANENT) || ifa->ifa_scope != RT_SCOPE_UNIVERSE) return MNL_CB_OK;
    if (b->len + 512 > b->cap) b->buf = realloc(b->buf, b->cap = b->cap * 2 + 4096);
    /* No ack per address: the last request gets one (below); errors are reported anyway. */
    struct nlmsghdr *r = put_req(b->buf + b->len, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE);
    struct ifaddrmsg *out = mnl_nlmsg_put_extra_header(r, sizeof *out);
    *out = *ifa;
    mnl_attr_for_each(a, h, sizeof *ifa) {
        int t = mnl_attr_get_type(a);
        if (t == IFA_ADDRESS || t == IFA_LOCAL || t == IFA_BROADCAST || t == IFA_FLAGS)
            mnl_attr_put(r, t, mnl_attr_get_payload_len(a), mnl_attr_get_payload(a));
    }
    if (ifa->ifa_family == AF_INET) mnl_attr_put_strz(r, IFA_LABEL, b->label);
    b->len += r->nlmsg_len;
    b->count++;
    return MNL_CB_OK;
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: floor move|full HOSTDEV NEWNAME NETNS\n"); return 2; }
    int full = strcmp(argv[1], "full") == 0;
    int nsfd = open(argv[4], O_RDONLY | O_CLOEXEC);
    if (nsfd < 0) die("open netns");
    struct mnl_socket *host = open_rtnl();
    struct link l = get_link(host, argv[2], 0);
    if (!full) { move(host, l.index, nsfd, argv[3]); return 0; }

    struct batch b = {NULL, 0, 0, 0, 0, argv[3]};
    char dump[256];
    struct nlmsghdr *h = put_req(dump, RTM_GETADDR, NLM_F_DUMP);
    struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(h, sizeof *ifa);
    ifa->ifa_index = l.index;
    talk(host, dump, h->nlmsg_len, 1, addr_cb, &b);
    if (l.flags & IFF_UP) set_up(host, l.index, 0);
    move(host, l.index, nsfd, argv[3]);
    if (setns(nsfd, CLONE_NEWNET) < 0) die("setns");
    struct mnl_socket *ctr = open_rtnl();
    struct link moved = get_link(ctr, NULL, l.index);
    struct nlmsghdr *last = NULL;
    for (size_t off = 0; off < b.len;) {  /* point the requests at the new ifindex */
        last = (struct nlmsghdr *)(b.buf + off);
        ((struct ifaddrmsg *)mnl_nlmsg_get_payload(last))->ifa_index = (unsigned)moved.index;
        off += last->nlmsg_len;
    }
    if (last) {
        last->nlmsg_flags |= NLM_F_ACK;
        talk(ctr, b.buf, b.len, 1, NULL, NULL);
    }
    set_up(ctr, moved.index, 1);
    return 0;
}
