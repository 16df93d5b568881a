#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <boost/log/core.hpp>

int main(int argc, char** argv) {
    // Without sinks Boost.Log would print every record; unit tests assert, they do not log.
    boost::log::core::get()->set_logging_enabled(false);
    return doctest::Context(argc, argv).run();
}
