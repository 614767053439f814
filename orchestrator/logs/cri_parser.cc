#include "orchestrator/logs/cri_parser.h"

namespace podctl {

void CriParser::feed(const std::string& data, std::vector<LogLine>& out) {
  buffer_ += data;
  size_t start = 0;
  for (size_t nl; (nl = buffer_.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string rec = buffer_.substr(start, nl - start);
    size_t a = rec.find(' '), b = rec.find(' ', a + 1), c = rec.find(' ', b + 1);
    if (a == std::string::npos || b == std::string::npos || c == std::string::npos) continue;
    std::string time = rec.substr(0, a);
    char tag = rec[b + 1];
    partial_ += rec.substr(c + 1);
    if (tag == 'P') continue;
    out.push_back({time, partial_});
    partial_.clear();
  }
  buffer_.erase(0, start);
}

}  // namespace podctl
