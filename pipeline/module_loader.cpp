#include "pipeline/module_loader.h"

#include <dlfcn.h>

#include <filesystem>
#include <system_error>
#include <vector>

namespace leadrouter::pipeline {
namespace {

std::vector<std::filesystem::path> Candidates(const char* file_name) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) out.push_back(exe.parent_path() / ".." / "lib" / "leadrouter" / file_name);
  out.push_back(std::filesystem::path(LEADROUTER_MODULE_DIR) / file_name);
  return out;
}

}  // namespace

ModuleSymbol OpenModule(const char* file_name, const char* symbol) {
  void* handle = nullptr;
  std::string tried;
  for (const std::filesystem::path& path : Candidates(file_name)) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      tried += (tried.empty() ? "" : ", ") + path.lexically_normal().string();
      continue;
    }
    handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = dlerror();
      return {nullptr, why != nullptr ? why : "cannot load " + path.string()};
    }
    break;
  }
  if (handle == nullptr) {
    return {nullptr, std::string(file_name) + " not found (looked in " + tried + ")"};
  }
  void* address = dlsym(handle, symbol);
  if (address == nullptr) return {nullptr, std::string(file_name) + " has no " + symbol};
  return {address, ""};
}

}  // namespace leadrouter::pipeline
