// Splices the EXIT STATUS text of a man page, generated from the one exit code table
// (netdev::exit_codes, common/error.hpp), into its scdoc source before scdoc runs
// (scripts/cmake/ManPages.cmake):
//   man-exit-status IN.scd OUT.scd
// Each line "; exit-status: hook" or "; exit-status: runtime" of IN (a comment to scdoc, so
// the source renders on its own) becomes the codes of oci-netdev-hook(1) or those that
// oci-netdev-runtime(1) returns itself; every other line is copied as it is.
//   man-exit-status --codes hook|runtime
// prints those codes, one a line (tests/packaging/check_install.sh checks the pages list them).
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace {

std::string_view meaning_for(const netdev::ExitCodeInfo& e, std::string_view page) {
    return page == "hook" ? e.meaning : e.wrapper;
}

// scdoc markup characters in plain text: * and _ emphasise, \ escapes.
std::string scdoc_escaped(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '*' || c == '_' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

void write_codes(std::ostream& out, std::string_view page) {
    bool first = true;
    for (const netdev::ExitCodeInfo& e : netdev::exit_codes) {
        std::string_view meaning = meaning_for(e, page);
        if (meaning.empty()) continue;
        if (!first) out << "\n";
        first = false;
        out << "*" << static_cast<int>(e.code) << "*\n\t" << scdoc_escaped(meaning) << "\n";
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 3 && std::string_view(argv[1]) == "--codes") {
        std::string_view page = argv[2];
        for (const netdev::ExitCodeInfo& e : netdev::exit_codes)
            if (!meaning_for(e, page).empty()) std::cout << static_cast<int>(e.code) << "\n";
        return 0;
    }
    if (argc != 3) {
        std::cerr << "usage: man-exit-status IN.scd OUT.scd | --codes hook|runtime\n";
        return 2;
    }
    std::ifstream in(argv[1]);
    std::ofstream out(argv[2]);
    if (!in || !out) {
        std::cerr << "man-exit-status: cannot open " << (in ? argv[2] : argv[1]) << "\n";
        return 1;
    }
    const std::string marker = "; exit-status: ";
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with(marker)) {
            std::string page = line.substr(marker.size());
            if (page != "hook" && page != "runtime") {
                std::cerr << "man-exit-status: " << argv[1] << ": unknown page '" << page << "'\n";
                return 2;
            }
            write_codes(out, page);
        } else {
            out << line << "\n";
        }
    }
    out.close();
    return out ? 0 : 1;
}
