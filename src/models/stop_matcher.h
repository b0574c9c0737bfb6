// StopMatcher: ends generation before a stop string, even when the string
// arrives split across several tokens ("</a" + "nswer>").
//
// Text goes in as it is generated; what comes out is the text that can be
// streamed now. A suffix that could be the beginning of a stop string is held
// back until the next text shows whether the stop string follows. Once a
// stop string is complete, the text before it is returned, stopped() turns
// true, and the stop string itself is never returned.
//
// Thread-safety: externally synchronized (owned by one generation slot).
//
// Example:
//   StopMatcher matcher({"\n\n"});
//   matcher.Append("Hi.\n");   // "Hi."   ("\n" held back)
//   matcher.Append("\nBye");   // ""      and stopped() == true
#ifndef HEARTH_MODELS_STOP_MATCHER_H_
#define HEARTH_MODELS_STOP_MATCHER_H_

#include <string>
#include <string_view>
#include <vector>

namespace hearth {

class StopMatcher {
 public:
  // Empty strings among `stops` are ignored.
  explicit StopMatcher(std::vector<std::string> stops);

  // Adds `text` and returns what may be emitted. After stopped() turns true
  // further calls return "".
  std::string Append(std::string_view text);

  // Returns the held-back text (no stop string completed it) and empties the
  // buffer. Returns "" after a stop.
  std::string Flush();

  // True once a stop string has been seen.
  bool stopped() const { return stopped_; }

 private:
  // Length of the longest suffix of held_ that is a proper prefix of a stop
  // string.
  size_t PossibleStartLength() const;

  std::vector<std::string> stops_;
  std::string held_;
  bool stopped_ = false;
};

}  // namespace hearth

#endif  // HEARTH_MODELS_STOP_MATCHER_H_
