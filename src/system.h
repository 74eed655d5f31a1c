// SPDX-License-Identifier: GPL-2.0-or-later
// The operating system behind one small interface, so that probing and
// applying can be tested with a fake (as ninja's DiskInterface).
#ifndef PMEMRECLAIM_SYSTEM_H_
#define PMEMRECLAIM_SYSTEM_H_

#include <optional>
#include <string>
#include <vector>

struct kmod_ctx;

namespace pmemreclaim {

class SystemInterface {
 public:
  virtual ~SystemInterface() = default;
  // Whole file, or nullopt (with errno text in *err when given).
  virtual std::optional<std::string> ReadFile(const std::string& path, std::string* err = nullptr) = 0;
  // Writes `value` in one write(2), as sysfs wants.
  virtual bool WriteFile(const std::string& path, const std::string& value, std::string* err) = 0;
  // Makes `path` hold `contents` (a regular file, written whole and then
  // renamed into place), creating its directory if missing.
  virtual bool CreateFile(const std::string& path, const std::string& contents, std::string* err) = 0;
  // Makes `path` a symbolic link to `target` (replacing what was there),
  // creating its directory if missing.
  virtual bool MakeSymlink(const std::string& target, const std::string& path, std::string* err) = 0;
  virtual bool Exists(const std::string& path) = 0;
  // Names in a directory (no . and ..); empty if it can't be read.
  virtual std::vector<std::string> ListDir(const std::string& path) = 0;
  // Target of a symbolic link; "" if none.
  virtual std::string ReadLink(const std::string& path) = 0;
  // Loads a kernel module and its dependencies by name or alias ("name" or
  // "name option=value ..."); true when it is loaded or built in afterwards.
  virtual bool LoadModule(const std::string& name, std::string* err) = 0;
  // `uname -m` and the page size.
  virtual std::string Machine() = 0;
  virtual unsigned long PageSize() = 0;
};

// An initramfs overlay (initrd/build.sh --overlay) carries its modules here,
// under the kernel release, so that its modules.dep never replaces the one
// of the initramfs it is concatenated with.
constexpr char kOwnModuleRoot[] = "/usr/lib/pmemreclaim/modules";

// The module directory to use: kOwnModuleRoot/RELEASE when it has a
// modules.dep, else "" (libkmod's default, /lib/modules/RELEASE).
std::string ModuleDirectory(const std::string& release);

// strerror(), but never musl's "No error information" for an errno its table
// lacks: EHWPOISON (the kernel refusing to online a block with a poisoned
// page) is named, any other is "errno N".
std::string ErrnoText(int errnum);

// Writes `value` to file `path` (a sysfs attribute: a store method's refusal
// comes back from write()); false with *err ("PATH: errno text", or "short
// write").  RealSystem::WriteFile, and the device layer where no library
// call exists.
bool WriteAttribute(const std::string& path, const std::string& value, std::string* err);

// Loads `modules` in order (each may carry parameters); false with *err
// naming the one that failed.
bool LoadModules(SystemInterface& sys, const std::vector<std::string>& modules, std::string* err);

// The real thing: files, uname, libkmod.
class RealSystem : public SystemInterface {
 public:
  RealSystem();
  ~RealSystem() override;
  RealSystem(const RealSystem&) = delete;
  RealSystem& operator=(const RealSystem&) = delete;
  std::optional<std::string> ReadFile(const std::string& path, std::string* err = nullptr) override;
  bool WriteFile(const std::string& path, const std::string& value, std::string* err) override;
  bool CreateFile(const std::string& path, const std::string& contents, std::string* err) override;
  bool MakeSymlink(const std::string& target, const std::string& path, std::string* err) override;
  bool Exists(const std::string& path) override;
  std::vector<std::string> ListDir(const std::string& path) override;
  std::string ReadLink(const std::string& path) override;
  bool LoadModule(const std::string& name, std::string* err) override;
  std::string Machine() override;
  unsigned long PageSize() override;

 private:
  ::kmod_ctx* kmod_ = nullptr;
};

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_SYSTEM_H_
