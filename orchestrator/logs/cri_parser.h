// podctl - the CRI log format the supervisor writes ("TIME STREAM P|F MESSAGE" per record), read
// back into whole lines: a partial record (P) is joined with the ones after it.
#pragma once

#include <string>
#include <vector>

namespace podctl {

struct LogLine {
  std::string time;
  std::string text;  // without the trailing newline
};

class CriParser {
 public:
  // Appends the whole lines completed by `data`; an unfinished record waits for the next call.
  void feed(const std::string& data, std::vector<LogLine>& out);

 private:
  std::string buffer_, partial_;
};

}  // namespace podctl
