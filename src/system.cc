// SPDX-License-Identifier: GPL-2.0-or-later
#include "system.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>

#include "log.h"
#include "timing.h"

namespace pmemreclaim {
namespace {

void KmodLog(void* /*data*/, int priority, const char* /*file*/, int /*line*/, const char* /*fn*/, const char* format,
             va_list args) {
  LogLibraryLine("libkmod", priority, format, args);
}

}  // namespace

std::string ModuleDirectory(const std::string& release) {
  const std::string own = std::string(kOwnModuleRoot) + "/" + release;
  struct stat st;
  if (stat((own + "/modules.dep").c_str(), &st) == 0) return own;
  return "";  // libkmod's default, /lib/modules/$(uname -r)
}

RealSystem::RealSystem() {
  struct utsname u;
  const std::string dir = uname(&u) == 0 ? ModuleDirectory(u.release) : "";
  kmod_ = kmod_new(dir.empty() ? nullptr : dir.c_str(), nullptr);
  if (kmod_ != nullptr) kmod_set_log_fn(kmod_, KmodLog, nullptr);
}

std::string ErrnoText(int errnum) {
#ifdef EHWPOISON
  if (errnum == EHWPOISON) return "Memory page has hardware error (EHWPOISON)";
#endif
  const std::string text = strerror(errnum);
  if (errnum != 0 && (text == "No error information" || text.rfind("Unknown error", 0) == 0)) {
    return "errno " + std::to_string(errnum);
  }
  return text;
}

RealSystem::~RealSystem() {
  if (kmod_ != nullptr) kmod_unref(kmod_);
}

std::optional<std::string> RealSystem::ReadFile(const std::string& path, std::string* err) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (err != nullptr) *err = ErrnoText(errno);
    return std::nullopt;
  }
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      if (err != nullptr) *err = ErrnoText(errno);
      close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

bool RealSystem::WriteFile(const std::string& path, const std::string& value, std::string* err) {
  return WriteAttribute(path, value, err);
}

bool WriteAttribute(const std::string& path, const std::string& value, std::string* err) {
  const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    if (err != nullptr) *err = path + ": " + ErrnoText(errno);
    return false;
  }
  const ssize_t n = write(fd, value.data(), value.size());
  const int saved = errno;
  close(fd);
  if (n != static_cast<ssize_t>(value.size())) {
    if (err != nullptr) *err = path + ": " + (n < 0 ? ErrnoText(saved) : "short write");
    return false;
  }
  return true;
}

namespace {

// The directory `path` is in (one level), made if missing.
bool MakeParentDir(const std::string& path, std::string* err) {
  const std::string dir = path.substr(0, path.rfind('/'));
  if (dir.empty() || mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST) return true;
  *err = dir + ": " + ErrnoText(errno);
  return false;
}

}  // namespace

bool RealSystem::CreateFile(const std::string& path, const std::string& contents, std::string* err) {
  if (!MakeParentDir(path, err)) return false;
  const std::string tmp = path + ".new";
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *err = tmp + ": " + ErrnoText(errno);
    return false;
  }
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n <= 0) {
      *err = tmp + ": " + (n < 0 ? ErrnoText(errno) : "short write");
      close(fd);
      unlink(tmp.c_str());
      return false;
    }
    done += static_cast<size_t>(n);
  }
  close(fd);
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    *err = path + ": " + ErrnoText(errno);
    unlink(tmp.c_str());
    return false;
  }
  return true;
}

bool RealSystem::MakeSymlink(const std::string& target, const std::string& path, std::string* err) {
  if (!MakeParentDir(path, err)) return false;
  unlink(path.c_str());
  if (symlink(target.c_str(), path.c_str()) != 0) {
    *err = path + ": " + ErrnoText(errno);
    return false;
  }
  return true;
}

bool RealSystem::Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::vector<std::string> RealSystem::ListDir(const std::string& path) {
  std::vector<std::string> names;
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return names;
  while (struct dirent* e = readdir(dir)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

std::string RealSystem::ReadLink(const std::string& path) {
  char buf[4096];
  const ssize_t n = readlink(path.c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

namespace {

// Inserts `mod` after its dependencies, depth first, with no modprobe.d
// install command, softdep or option of theirs; 0 or -EEXIST when it is in.
int InsertWithoutCommands(struct kmod_module* mod, const char* options, int depth) {
  if (depth > 32) return -ELOOP;
  const int state = kmod_module_get_initstate(mod);
  if (state == KMOD_MODULE_LIVE || state == KMOD_MODULE_BUILTIN || state == KMOD_MODULE_COMING) return -EEXIST;
  struct kmod_list* deps = kmod_module_get_dependencies(mod);
  struct kmod_list* it;
  int rc = 0;
  kmod_list_foreach(it, deps) {
    struct kmod_module* dep = kmod_module_get_module(it);
    const int d = InsertWithoutCommands(dep, nullptr, depth + 1);
    kmod_module_unref(dep);
    if (d < 0 && d != -EEXIST) {
      rc = d;
      break;
    }
  }
  kmod_module_unref_list(deps);
  return rc < 0 ? rc : kmod_module_insert_module(mod, 0, options);
}

}  // namespace

bool RealSystem::LoadModule(const std::string& spec, std::string* err) {
  // "name" or "name option=value ...".
  const size_t space = spec.find(' ');
  const std::string name = spec.substr(0, space);
  const std::string options = space == std::string::npos ? "" : spec.substr(space + 1);
  if (Exists("/sys/module/" + name)) return true;  // loaded or built in
  if (kmod_ == nullptr) {
    if (err != nullptr) *err = "libkmod could not start (no /lib/modules/$(uname -r)?)";
    return false;
  }
  struct kmod_list* list = nullptr;
  int rc = kmod_module_new_from_lookup(kmod_, name.c_str(), &list);
  if (rc < 0 || list == nullptr) {
    if (err != nullptr) *err = "module " + name + " not found in /lib/modules";
    return false;
  }
  bool ok = true;
  struct kmod_list* it;
  kmod_list_foreach(it, list) {
    struct kmod_module* mod = kmod_module_get_module(it);
    PhaseTimer timer(PhaseId::kModules);
    const char* opts = options.empty() ? nullptr : options.c_str();
    rc = kmod_module_probe_insert_module(mod, 0, opts, nullptr, nullptr, nullptr);
    if (rc < 0 && rc != -EEXIST) {
      // An install command of the image's modprobe.d can fail where its tool
      // is not in the image: Debian's ndctl package installs one for libnvdimm
      // ("/usr/bin/ndctl load-keys ; modprobe --ignore-install libnvdimm"),
      // and initramfs-tools copies modprobe.d without ndctl.  A RAM carve
      // needs no nvdimm security keys: load the module without the commands.
      // (KMOD_PROBE_IGNORE_COMMAND covers the module itself but not its
      // dependencies: insert those one by one, depth first.)
      const int plain = InsertWithoutCommands(mod, opts, 0);
      if (plain >= 0 || plain == -EEXIST) {
        LogWarning("loading " + std::string(kmod_module_get_name(mod)) + " through its modprobe.d install commands failed (" +
                   (rc < 0 ? ErrnoText(-rc) : std::to_string(rc)) + "); loaded it without them");
        rc = plain;
      }
    }
    if (rc < 0 && rc != -EEXIST) {
      ok = false;
      if (err != nullptr) *err = "loading " + std::string(kmod_module_get_name(mod)) + ": " + ErrnoText(-rc);
    }
    kmod_module_unref(mod);
  }
  kmod_module_unref_list(list);
  return ok;
}

std::string RealSystem::Machine() {
  struct utsname u;
  if (uname(&u) != 0) return "";
  return u.machine;
}

unsigned long RealSystem::PageSize() { return static_cast<unsigned long>(sysconf(_SC_PAGESIZE)); }

bool LoadModules(SystemInterface& sys, const std::vector<std::string>& modules, std::string* err) {
  for (const std::string& mod : modules) {
    std::string why;
    if (!sys.LoadModule(mod, &why)) {
      *err = "cannot load kernel module " + mod + ": " + why;
      return false;
    }
  }
  return true;
}

}  // namespace pmemreclaim
