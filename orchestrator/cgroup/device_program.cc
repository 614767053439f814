#include "orchestrator/cgroup/device_program.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <string>

#include "base/unique_fd.h"

namespace podctl {
namespace {

// The instruction encodings the program uses (include/uapi/linux/bpf.h, bpf_common.h).
bpf_insn insn(int code, int dst, int src, int16_t off, int32_t imm) {
  bpf_insn i{};
  i.code = static_cast<uint8_t>(code);
  i.dst_reg = static_cast<uint8_t>(dst) & 0xf;
  i.src_reg = static_cast<uint8_t>(src) & 0xf;
  i.off = off;
  i.imm = imm;
  return i;
}
bpf_insn load_word(int dst, int16_t offset) { return insn(BPF_LDX | BPF_W | BPF_MEM, dst, BPF_REG_1, offset, 0); }
bpf_insn alu32_imm(int op, int dst, int32_t imm) { return insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm); }
bpf_insn mov32_reg(int dst, int src) { return insn(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0); }
bpf_insn mov64_imm(int dst, int32_t imm) { return insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm); }
bpf_insn jump_ne_imm(int reg, int32_t imm) { return insn(BPF_JMP | BPF_JNE | BPF_K, reg, 0, 0, imm); }
bpf_insn jump_ne_reg(int a, int b) { return insn(BPF_JMP | BPF_JNE | BPF_X, a, b, 0, 0); }
bpf_insn exit_insn() { return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

int32_t access_bits(const std::string& access) {
  int32_t bits = 0;
  for (char c : access)
    bits |= c == 'r' ? BPF_DEVCG_ACC_READ : c == 'w' ? BPF_DEVCG_ACC_WRITE : c == 'm' ? BPF_DEVCG_ACC_MKNOD : 0;
  return bits;
}

int sys_bpf(int cmd, bpf_attr& attr) { return static_cast<int>(::syscall(SYS_bpf, cmd, &attr, sizeof attr)); }

}  // namespace

std::vector<bpf_insn> device_program(const std::vector<plan::DeviceRule>& rules) {
  // struct bpf_cgroup_dev_ctx { u32 access_type (type | access << 16); u32 major; u32 minor; }
  std::vector<bpf_insn> p = {
      load_word(BPF_REG_2, 0), alu32_imm(BPF_AND, BPF_REG_2, 0xFFFF),  // r2: type
      load_word(BPF_REG_3, 0), alu32_imm(BPF_RSH, BPF_REG_3, 16),      // r3: access asked for
      load_word(BPF_REG_4, 4),                                         // r4: major
      load_word(BPF_REG_5, 8),                                         // r5: minor
  };
  for (const auto& rule : rules) {
    // Each rule is a block of checks that jump past its "allow" on a mismatch.
    std::vector<bpf_insn> block;
    if (rule.type != 'a')
      block.push_back(jump_ne_imm(BPF_REG_2, rule.type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR));
    int32_t allowed = access_bits(rule.access);
    if (allowed != (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD)) {
      // What is asked must be a subset of what the rule allows: (asked & allowed) == asked.
      block.push_back(mov32_reg(BPF_REG_1, BPF_REG_3));
      block.push_back(alu32_imm(BPF_AND, BPF_REG_1, allowed));
      block.push_back(jump_ne_reg(BPF_REG_1, BPF_REG_3));
    }
    if (rule.major >= 0) block.push_back(jump_ne_imm(BPF_REG_4, static_cast<int32_t>(rule.major)));
    if (rule.minor >= 0) block.push_back(jump_ne_imm(BPF_REG_5, static_cast<int32_t>(rule.minor)));
    block.push_back(mov64_imm(BPF_REG_0, 1));
    block.push_back(exit_insn());
    // A jump's offset counts from the instruction after it, to the first one after the block.
    for (size_t i = 0; i < block.size(); ++i)
      if (BPF_CLASS(block[i].code) == BPF_JMP && BPF_OP(block[i].code) == BPF_JNE)
        block[i].off = static_cast<int16_t>(block.size() - i - 1);
    p.insert(p.end(), block.begin(), block.end());
    if (block.size() == 2) return p;  // a rule that matches everything: nothing after it is reachable
  }
  p.push_back(mov64_imm(BPF_REG_0, 0));
  p.push_back(exit_insn());
  return p;
}

namespace {

// Loaded once per process and rule set (the verifier and the JIT cost a millisecond or two): one
// program may be attached to any number of cgroups.
Result<int> loaded_program(const std::vector<plan::DeviceRule>& rules) {
  static std::map<std::string, UniqueFd> loaded;
  std::vector<bpf_insn> program = device_program(rules);
  std::string key(reinterpret_cast<const char*>(program.data()), program.size() * sizeof(bpf_insn));
  if (auto it = loaded.find(key); it != loaded.end()) return it->second.get();
  static const char kLicense[] = "GPL";
  char log[4096] = {};
  bpf_attr load{};
  load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  load.insns = reinterpret_cast<uint64_t>(program.data());
  load.insn_cnt = static_cast<uint32_t>(program.size());
  load.license = reinterpret_cast<uint64_t>(kLicense);
  UniqueFd prog(sys_bpf(BPF_PROG_LOAD, load));
  if (!prog) {
    // Again with the verifier's log, for the message.
    load.log_level = 1;
    load.log_buf = reinterpret_cast<uint64_t>(log);
    load.log_size = sizeof log;
    prog.reset(sys_bpf(BPF_PROG_LOAD, load));
    if (!prog) return fail(sys_error(std::string("load the device program (bpf): ") + log));
  }
  return loaded.emplace(key, std::move(prog)).first->second.get();
}

}  // namespace

Status attach_device_program(int cgroup_fd, const std::vector<plan::DeviceRule>& rules) {
  int prog;
  PODCTL_ASSIGN_OR_RETURN(prog, loaded_program(rules));
  // One program per container cgroup, attached before its first process is born there; a
  // restart attaches a fresh one and the old one goes (detach by its id).
  bpf_attr query{};
  uint32_t ids[64];
  query.query.target_fd = static_cast<uint32_t>(cgroup_fd);
  query.query.attach_type = BPF_CGROUP_DEVICE;
  query.query.prog_ids = reinterpret_cast<uint64_t>(ids);
  query.query.prog_cnt = 64;
  uint32_t old_count = sys_bpf(BPF_PROG_QUERY, query) == 0 ? query.query.prog_cnt : 0;
  bpf_prog_info info{};
  bpf_attr get_info{};
  get_info.info.bpf_fd = static_cast<uint32_t>(prog);
  get_info.info.info_len = sizeof info;
  get_info.info.info = reinterpret_cast<uint64_t>(&info);
  if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, get_info) != 0) return fail(sys_error("read the device program's id"));
  for (uint32_t i = 0; i < old_count && i < 64; ++i)
    if (ids[i] == info.id) return {};  // attached already: nothing to change
  bpf_attr attach{};
  attach.target_fd = static_cast<uint32_t>(cgroup_fd);
  attach.attach_bpf_fd = static_cast<uint32_t>(prog);
  attach.attach_type = BPF_CGROUP_DEVICE;
  attach.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf(BPF_PROG_ATTACH, attach) != 0)
    return fail(sys_error("attach the device program to the container's cgroup"));
  for (uint32_t i = 0; i < old_count && i < 64; ++i) {
    bpf_attr by_id{};
    by_id.prog_id = ids[i];
    UniqueFd old(sys_bpf(BPF_PROG_GET_FD_BY_ID, by_id));
    if (!old) continue;
    bpf_attr detach{};
    detach.target_fd = static_cast<uint32_t>(cgroup_fd);
    detach.attach_bpf_fd = static_cast<uint32_t>(old.get());
    detach.attach_type = BPF_CGROUP_DEVICE;
    if (sys_bpf(BPF_PROG_DETACH, detach) != 0 && errno != ENOENT)
      return fail(sys_error("detach the container's previous device program"));
  }
  return {};
}

}  // namespace podctl
