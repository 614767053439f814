#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <sstream>

#include "base/files.h"
#include "orchestrator/runtime/log_writer.h"

namespace podctl {
namespace {

TEST(LogWriter, WritesCriRecordsWithPartialLines) {
  std::string path = (std::filesystem::temp_directory_path() / ("podctl-log-" + std::to_string(::getpid()))).string();
  {
    LogWriter w(path);
    w.feed(false, "hello\nwor", 9);
    w.feed(true, "oops\n", 5);
    w.feed(false, "ld\n", 3);
    std::string big(kMaxLogLine + 10, 'x');
    w.feed(false, big.data(), big.size());
    w.finish(false);
    EXPECT_EQ(w.dropped(), 0u);
  }
  std::istringstream in(*read_file(path));
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 5u);
  std::regex record(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (stdout|stderr) (P|F) .*)");
  for (const auto& l : lines) EXPECT_TRUE(std::regex_match(l, record)) << l;
  EXPECT_NE(lines[0].find(" stdout F hello"), std::string::npos);
  EXPECT_NE(lines[1].find(" stderr F oops"), std::string::npos);
  EXPECT_NE(lines[2].find(" stdout F world"), std::string::npos);
  EXPECT_NE(lines[3].find(" stdout P xxx"), std::string::npos);
  EXPECT_NE(lines[4].find(" stdout F xxxxxxxxxx"), std::string::npos);
  std::filesystem::remove(path);
}

TEST(LogWriter, AnUnwritableFileDropsLinesWithoutFailing) {
  LogWriter w("/nonexistent/dir/0.log");
  w.feed(false, "a\nb\n", 4);
  EXPECT_EQ(w.dropped(), 2u);
}

}  // namespace
}  // namespace podctl
