// What every file that reads MIME with GMime shares: starting the library
// once per process, and owning its objects. Include only from .cpp files
// (it brings GMime and GLib along).
#pragma once

#include <gmime/gmime.h>

#include <memory>

namespace leadrouter::pipeline {

// Calls g_mime_init() once, whichever thread gets here first.
void EnsureGMime();

struct GObjectUnref {
  void operator()(void* object) const {
    if (object != nullptr) g_object_unref(object);
  }
};
template <typename T>
using GPtr = std::unique_ptr<T, GObjectUnref>;

struct GFree {
  void operator()(char* text) const { g_free(text); }
};
using GText = std::unique_ptr<char, GFree>;

}  // namespace leadrouter::pipeline
