#pragma once
#include "common/oci_model.hpp"
#include "common/state_dir.hpp"
#include "netdev/mover.hpp"

namespace netdev {

// poststop with the container's record: with `restore`, every recorded device goes back to
// the host under its original name with its addresses, admin state and MTU (from the live
// container netns, or found on the host by identity MAC when the kernel returned it); a
// device that is nowhere died with the netns and is reported, not an error. The record is
// removed once done; idempotent (podman may run poststop twice).
void run_poststop(const OciState& st, bool restore, const StateDir& dir);

}  // namespace netdev
