#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "base/files.h"
#include "orchestrator/logs/log_files.h"
#include "orchestrator/logs/log_writer.h"

namespace podctl {
namespace {

TEST(LogWriter, WritesCriRecordsWithPartialLines) {
  std::string path = (std::filesystem::temp_directory_path() / ("podctl-log-" + std::to_string(::getpid()))).string();
  {
    LogWriter w(path, {});
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
  LogWriter w("/nonexistent/dir/0.log", {});
  w.feed(false, "a\nb\n", 4);
  EXPECT_EQ(w.dropped(), 2u);
}

TEST(LogWriter, RotatesBySizeAndKeepsTheNewestFiles) {
  std::string dir = (std::filesystem::temp_directory_path() / ("podctl-rotate-" + std::to_string(::getpid()))).string();
  std::filesystem::create_directories(dir);
  std::filesystem::path old_run = std::filesystem::path(dir) / "0.log";
  { std::ofstream(old_run) << "an older run\n"; }
  {
    LogWriter w(dir + "/1.log", LogLimits{400, 3});
    for (int i = 0; i < 40; ++i) {
      std::string line = "line " + std::to_string(i) + "\n";
      w.feed(false, line.data(), line.size());
    }
  }
  auto files = list_logs(dir);
  ASSERT_EQ(files.size(), 3u);                     // at most max_files remain
  EXPECT_FALSE(std::filesystem::exists(old_run));  // the oldest go first
  EXPECT_EQ(files.back().path, dir + "/1.log");
  for (const auto& f : files) EXPECT_LE(std::filesystem::file_size(f.path), 400u);
  // The newest lines are all there, in order, across the rotated part and the live file.
  std::string all;
  for (const auto& f : files) all += *read_file(f.path);
  EXPECT_NE(all.find(" stdout F line 39\n"), std::string::npos);
  EXPECT_LT(all.find(" stdout F line 38\n"), all.find(" stdout F line 39\n"));
  std::filesystem::remove_all(dir);
}

TEST(LogFiles, OrderByRunThenRotation) {
  std::string dir =
      (std::filesystem::temp_directory_path() / ("podctl-logfiles-" + std::to_string(::getpid()))).string();
  std::filesystem::create_directories(dir);
  for (const char* n : {"1.log", "0.log.2", "0.log", "0.log.1", "10.log", "notes.txt", "x.log"})
    std::ofstream(dir + "/" + n) << "";
  std::vector<std::string> names;
  for (const auto& f : list_logs(dir)) names.push_back(f.path.substr(dir.size() + 1));
  EXPECT_EQ(names, (std::vector<std::string>{"0.log.1", "0.log.2", "0.log", "1.log", "10.log"}));
  EXPECT_EQ(run_logs(dir, 0).size(), 3u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace podctl
