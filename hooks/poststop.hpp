#pragma once
#include <iosfwd>

#include "common/oci_model.hpp"
#include "common/state_dir.hpp"

namespace netdev {

// poststop with the container's record: a createRuntime that never finished is rolled back
// (the container never ran: runtime-spec wants the host as if nothing had been attempted);
// with `restore`, every recorded device goes back to the host as recorded, from wherever it
// is now (give_back.hpp). Then the record and its netns pin are removed; idempotent (podman
// may run poststop twice). A record is kept while a device could not be given back.
void run_poststop(const OciState& st, bool restore, const StateDir& dir);

// `recover [ID]` (an admin, a boot-time unit): every record (or container ID's) is given
// back as in poststop with restore. Without ID, a container whose netns still has a process
// in it is running and left alone. Reports one line per container on `out`.
void run_recover(const std::string& id, const StateDir& dir, std::ostream& out);

}  // namespace netdev
