#include "engine/weights/torch_checkpoint.h"

#include <cstring>
#include <limits>
#include <map>
#include <variant>

#include "engine/weights/zip_archive.h"

namespace shoebox {
namespace {

// ---- a restricted pickle machine -------------------------------------------------------

struct Value;
using Ref = std::shared_ptr<Value>;

struct StorageRef {
  std::string key;
  DType dtype;
};
struct TensorRef {
  StorageRef storage;
  int64_t offset = 0;
  std::vector<int64_t> shape, stride;
};

struct Value {
  enum Kind {
    kNone,
    kBool,
    kInt,
    kFloat,
    kString,
    kTuple,
    kList,
    kDict,
    kGlobal,
    kStorage,
    kTensor
  } kind = kNone;
  int64_t i = 0;
  double f = 0;
  std::string s;                          // string, or global "module.name"
  std::vector<Ref> items;                 // tuple, list
  std::vector<std::pair<Ref, Ref>> dict;  // insertion order kept
  StorageRef storage;
  TensorRef tensor;
};

// A pickle can build reference cycles (a list appended to itself, a dict stored in itself),
// which shared_ptr alone never frees: every value made while parsing is recorded, and its
// links are cut when parsing ends.
thread_local std::vector<std::weak_ptr<Value>>* t_made = nullptr;

class ValueArena {
 public:
  ValueArena() { t_made = &made_; }
  ~ValueArena() {
    t_made = nullptr;
    for (auto& w : made_)
      if (auto v = w.lock()) {
        v->items.clear();
        v->dict.clear();
      }
  }

 private:
  std::vector<std::weak_ptr<Value>> made_;
};

Ref Make(Value::Kind k) {
  auto v = std::make_shared<Value>();
  v->kind = k;
  if (t_made) t_made->push_back(v);
  return v;
}

bool StorageDType(const std::string& global, DType* out) {
  static const std::pair<const char*, DType> kTypes[] = {
      {"torch.FloatStorage", DType::kF32},     {"torch.HalfStorage", DType::kF16},
      {"torch.BFloat16Storage", DType::kBF16}, {"torch.DoubleStorage", DType::kF64},
      {"torch.LongStorage", DType::kI64},      {"torch.IntStorage", DType::kI32},
      {"torch.ShortStorage", DType::kI16},     {"torch.CharStorage", DType::kI8},
      {"torch.ByteStorage", DType::kU8},       {"torch.BoolStorage", DType::kBool}};
  for (const auto& [name, t] : kTypes)
    if (global == name) {
      *out = t;
      return true;
    }
  return false;
}

class Unpickler {
 public:
  Unpickler(const uint8_t* data, size_t size, std::string label)
      : d_(data), n_(size), label_(std::move(label)) {}

  Result<Ref> Run() {
    constexpr size_t kMaxStack = 1 << 22;
    while (pos_ < n_) {
      uint8_t op = d_[pos_++];
      if (stack_.size() > kMaxStack || memo_.size() > kMaxStack) return Bad("pickle too large");
      switch (op) {
        case 0x80:
          if (!Skip(1)) return Bad("truncated PROTO");
          break;
        case 0x95:
          if (!Skip(8)) return Bad("truncated FRAME");
          break;
        case '}':
          stack_.push_back(Make(Value::kDict));
          break;
        case ']':
          stack_.push_back(Make(Value::kList));
          break;
        case ')':
          stack_.push_back(Make(Value::kTuple));
          break;
        case '(':
          marks_.push_back(stack_.size());
          break;
        case 't':
        case 'l': {
          if (marks_.empty()) return Bad("TUPLE without MARK");
          size_t m = marks_.back();
          marks_.pop_back();
          if (m > stack_.size()) return Bad("bad MARK");
          auto v = Make(op == 't' ? Value::kTuple : Value::kList);
          v->items.assign(stack_.begin() + static_cast<long>(m), stack_.end());
          stack_.resize(m);
          stack_.push_back(v);
          break;
        }
        case 0x85:
        case 0x86:
        case 0x87: {
          size_t k = op - 0x84u;
          if (stack_.size() < k) return Bad("stack underflow");
          auto v = Make(Value::kTuple);
          v->items.assign(stack_.end() - static_cast<long>(k), stack_.end());
          stack_.resize(stack_.size() - k);
          stack_.push_back(v);
          break;
        }
        case 'X':
        case 0x8c:
        case 0x8d:
        case 'U':
        case 'T':
        case 'C':
        case 'B': {
          int lb = (op == 0x8c || op == 'U' || op == 'C') ? 1 : op == 0x8d ? 8 : 4;
          uint64_t len;
          if (!ReadLe(lb, &len) || len > n_ - pos_) return Bad("truncated string");
          auto v = Make(Value::kString);
          v->s.assign(reinterpret_cast<const char*>(d_ + pos_), len);
          pos_ += len;
          stack_.push_back(v);
          break;
        }
        case 'J':
        case 'K':
        case 'M': {
          int lb = op == 'J' ? 4 : op == 'K' ? 1 : 2;
          uint64_t u;
          if (!ReadLe(lb, &u)) return Bad("truncated integer");
          auto v = Make(Value::kInt);
          v->i = op == 'J' ? static_cast<int32_t>(u) : static_cast<int64_t>(u);
          stack_.push_back(v);
          break;
        }
        case 0x8a: {  // LONG1
          uint64_t len;
          if (!ReadLe(1, &len) || len > 8 || len > n_ - pos_) return Bad("unsupported LONG1");
          uint64_t u = 0;
          for (uint64_t k = 0; k < len; ++k) u |= uint64_t{d_[pos_ + k]} << (8 * k);
          if (len > 0 && len < 8 && (d_[pos_ + len - 1] & 0x80))
            u |= ~uint64_t{0} << (8 * len);  // sign
          pos_ += len;
          auto v = Make(Value::kInt);
          v->i = static_cast<int64_t>(u);
          stack_.push_back(v);
          break;
        }
        case 'G': {
          if (n_ - pos_ < 8) return Bad("truncated float");
          uint64_t u = 0;
          for (int k = 0; k < 8; ++k) u = (u << 8) | d_[pos_ + k];  // big-endian
          pos_ += 8;
          auto v = Make(Value::kFloat);
          std::memcpy(&v->f, &u, 8);
          stack_.push_back(v);
          break;
        }
        case 'N':
          stack_.push_back(Make(Value::kNone));
          break;
        case 0x88:
        case 0x89: {
          auto v = Make(Value::kBool);
          v->i = op == 0x88;
          stack_.push_back(v);
          break;
        }
        case 'q':
        case 'r': {
          uint64_t idx;
          if (!ReadLe(op == 'q' ? 1 : 4, &idx)) return Bad("truncated PUT");
          if (stack_.empty()) return Bad("PUT on empty stack");
          if (idx > kMaxStack) return Bad("memo index too large");
          memo_[idx] = stack_.back();
          break;
        }
        case 0x94:
          if (stack_.empty()) return Bad("MEMOIZE on empty stack");
          memo_[memo_.size()] = stack_.back();
          break;
        case 'h':
        case 'j': {
          uint64_t idx;
          if (!ReadLe(op == 'h' ? 1 : 4, &idx)) return Bad("truncated GET");
          auto it = memo_.find(idx);
          if (it == memo_.end()) return Bad("GET of an unknown memo entry");
          stack_.push_back(it->second);
          break;
        }
        case 'c': {
          std::string module, name;
          if (!ReadLine(&module) || !ReadLine(&name)) return Bad("truncated GLOBAL");
          SHOEBOX_RETURN_IF_ERROR(PushGlobal(module + "." + name));
          break;
        }
        case 0x93: {  // STACK_GLOBAL
          if (stack_.size() < 2) return Bad("stack underflow");
          auto name = Pop(), module = Pop();
          if (module->kind != Value::kString || name->kind != Value::kString)
            return Bad("STACK_GLOBAL needs strings");
          SHOEBOX_RETURN_IF_ERROR(PushGlobal(module->s + "." + name->s));
          break;
        }
        case 'Q': {
          if (stack_.empty()) return Bad("stack underflow");
          auto pid = Pop();
          // ('storage', <StorageType global>, key, location, numel)
          if (pid->kind != Value::kTuple || pid->items.size() < 5 ||
              pid->items[0]->kind != Value::kString || pid->items[0]->s != "storage" ||
              pid->items[1]->kind != Value::kGlobal || pid->items[2]->kind != Value::kString)
            return Bad("unexpected persistent id (only tensor storages are read)");
          auto v = Make(Value::kStorage);
          v->storage.key = pid->items[2]->s;
          if (!StorageDType(pid->items[1]->s, &v->storage.dtype))
            return Bad("unknown storage type " + pid->items[1]->s);
          stack_.push_back(v);
          break;
        }
        case 'R': {
          if (stack_.size() < 2) return Bad("stack underflow");
          auto args = Pop(), fn = Pop();
          if (fn->kind != Value::kGlobal || args->kind != Value::kTuple)
            return Bad("REDUCE of a non-global");
          auto v = Reduce(fn->s, args->items);
          if (!v.ok()) return v.status();
          stack_.push_back(*v);
          break;
        }
        case 'b':  // BUILD: object state (an OrderedDict's _metadata); not needed
          if (stack_.size() < 2) return Bad("stack underflow");
          Pop();
          break;
        case 's':
        case 'u': {
          size_t m;
          if (op == 's') {
            if (stack_.size() < 3) return Bad("stack underflow");
            m = stack_.size() - 2;
          } else {
            if (marks_.empty()) return Bad("SETITEMS without MARK");
            m = marks_.back();
            marks_.pop_back();
          }
          if (m == 0 || m > stack_.size() || (stack_.size() - m) % 2) return Bad("bad SETITEMS");
          Ref dict = stack_[m - 1];
          if (dict->kind != Value::kDict) return Bad("SETITEMS on a non-dict");
          for (size_t k = m; k < stack_.size(); k += 2)
            dict->dict.emplace_back(stack_[k], stack_[k + 1]);
          stack_.resize(m);
          break;
        }
        case 'a':
        case 'e': {
          size_t m;
          if (op == 'a') {
            if (stack_.size() < 2) return Bad("stack underflow");
            m = stack_.size() - 1;
          } else {
            if (marks_.empty()) return Bad("APPENDS without MARK");
            m = marks_.back();
            marks_.pop_back();
          }
          if (m == 0 || m > stack_.size()) return Bad("bad APPENDS");
          Ref list = stack_[m - 1];
          if (list->kind != Value::kList) return Bad("APPENDS on a non-list");
          list->items.insert(list->items.end(), stack_.begin() + static_cast<long>(m),
                             stack_.end());
          stack_.resize(m);
          break;
        }
        case '.':
          if (stack_.empty()) return Bad("STOP with an empty stack");
          return stack_.back();
        default: {
          char hex[8];
          std::snprintf(hex, sizeof hex, "0x%02x", op);
          return Bad(std::string("unsupported pickle opcode ") + hex +
                     " (only plain state_dicts are read)");
        }
      }
    }
    return Bad("no STOP (truncated)");
  }

 private:
  Status Bad(const std::string& why) const {
    return Corrupt(label_ + ": refusing the pickle at byte " + std::to_string(pos_) + ": " + why);
  }
  bool Skip(size_t k) {
    if (n_ - pos_ < k) return false;
    pos_ += k;
    return true;
  }
  bool ReadLe(int bytes, uint64_t* v) {
    if (n_ - pos_ < static_cast<size_t>(bytes)) return false;
    *v = 0;
    for (int k = bytes - 1; k >= 0; --k) *v = (*v << 8) | d_[pos_ + k];
    pos_ += bytes;
    return true;
  }
  bool ReadLine(std::string* out) {
    const void* nl = std::memchr(d_ + pos_, '\n', std::min<size_t>(n_ - pos_, 256));
    if (!nl) return false;
    size_t end = static_cast<const uint8_t*>(nl) - d_;
    out->assign(reinterpret_cast<const char*>(d_ + pos_), end - pos_);
    pos_ = end + 1;
    return true;
  }
  Ref Pop() {
    Ref v = stack_.back();
    stack_.pop_back();
    return v;
  }
  Status PushGlobal(const std::string& name) {
    DType unused;
    if (name != "collections.OrderedDict" && name != "torch._utils._rebuild_tensor_v2" &&
        !StorageDType(name, &unused))
      return Corrupt(
          label_ + ": refusing pickle global '" + name.substr(0, 100) +
          "': only a plain state_dict (OrderedDict of tensors) is read, no pickle code runs");
    auto v = Make(Value::kGlobal);
    v->s = name;
    stack_.push_back(v);
    return Status::Ok();
  }
  Result<Ref> Reduce(const std::string& fn, const std::vector<Ref>& args) {
    if (fn == "collections.OrderedDict") {
      if (!args.empty()) return Bad("OrderedDict with arguments");
      return Make(Value::kDict);
    }
    if (fn == "torch._utils._rebuild_tensor_v2") {
      // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
      if (args.size() < 4 || args[0]->kind != Value::kStorage || args[1]->kind != Value::kInt ||
          args[2]->kind != Value::kTuple || args[3]->kind != Value::kTuple)
        return Bad("malformed _rebuild_tensor_v2 arguments");
      auto v = Make(Value::kTensor);
      v->tensor.storage = args[0]->storage;
      v->tensor.offset = args[1]->i;
      for (const Ref& d : args[2]->items) {
        if (d->kind != Value::kInt) return Bad("tensor size is not an integer");
        v->tensor.shape.push_back(d->i);
      }
      for (const Ref& s : args[3]->items) {
        if (s->kind != Value::kInt) return Bad("tensor stride is not an integer");
        v->tensor.stride.push_back(s->i);
      }
      return v;
    }
    return Bad("cannot call " + fn);  // storages are only ever persistent ids
  }

  const uint8_t* d_;
  size_t n_, pos_ = 0;
  std::string label_;
  std::vector<Ref> stack_;
  std::vector<size_t> marks_;
  std::map<uint64_t, Ref> memo_;
};

}  // namespace

Result<std::unique_ptr<SafetensorsFile>> ParseTorchCheckpoint(const uint8_t* data, size_t size,
                                                              const std::string& label) {
  auto entries = ReadZipDirectory(data, size, label);
  if (!entries.ok()) return entries.status();
  std::string pkl_name;
  for (const auto& [name, e] : *entries) {
    if (name == "data.pkl" ||
        (name.size() > 9 && name.compare(name.size() - 9, 9, "/data.pkl") == 0)) {
      if (!pkl_name.empty()) return Corrupt(label + ": more than one data.pkl");
      pkl_name = name;
    }
  }
  if (pkl_name.empty())
    return Corrupt(
        label +
        ": no data.pkl (not a torch.save zip checkpoint; legacy pre-1.6 files are not read)");
  std::string root = pkl_name.substr(0, pkl_name.size() - 8);  // "archive/" or ""
  if (auto bo = entries->find(root + "byteorder"); bo != entries->end()) {
    if (std::string(reinterpret_cast<const char*>(bo->second.data), bo->second.size) != "little")
      return Unsupported(label + ": big-endian checkpoint");
  }
  const ZipEntry& pkl = entries->at(pkl_name);
  if (!pkl.stored)
    return Unsupported(label + ": data.pkl is compressed; torch.save never does that");
  ValueArena arena;  // declared before the values: cuts their cycles after they are dropped
  auto top = Unpickler(pkl.data, pkl.size, label).Run();
  if (!top.ok()) return top.status();
  if ((*top)->kind != Value::kDict)
    return Corrupt(label + ": the pickle is not a state_dict (dict of tensors)");
  std::map<std::string, TensorView> views;
  for (const auto& [k, v] : (*top)->dict) {
    if (k->kind != Value::kString) return Corrupt(label + ": a state_dict key is not a string");
    if (v->kind != Value::kTensor) return Corrupt(label + ": '" + k->s + "' is not a tensor");
    const TensorRef& t = v->tensor;
    std::string where = label + ": tensor '" + k->s.substr(0, 200) + "': ";
    auto e = entries->find(root + "data/" + t.storage.key);
    if (e == entries->end())
      return Corrupt(where + "storage " + t.storage.key + " missing from the archive");
    if (!e->second.stored) return Unsupported(where + "storage is compressed");
    if (t.shape.size() != t.stride.size() || t.shape.size() > 8 || t.offset < 0)
      return Corrupt(where + "inconsistent size/stride/offset");
    // Only contiguous row-major tensors, which is what state_dict() saves.
    uint64_t numel = 1;
    int64_t expect = 1;
    for (size_t d = t.shape.size(); d-- > 0;) {
      if (t.shape[d] < 0) return Corrupt(where + "negative dimension");
      if (t.shape[d] > 1 && t.stride[d] != expect) return Unsupported(where + "not contiguous");
      if (t.shape[d] != 0 &&
          numel > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(t.shape[d]))
        return Corrupt(where + "size overflows");
      numel *= static_cast<uint64_t>(t.shape[d]);
      if (t.shape[d] != 0 &&
          static_cast<uint64_t>(expect) > (uint64_t{1} << 62) / static_cast<uint64_t>(t.shape[d]))
        return Corrupt(where + "size overflows");
      expect *= t.shape[d] == 0 ? 1 : t.shape[d];
    }
    size_t es = DTypeSize(t.storage.dtype);
    uint64_t first = static_cast<uint64_t>(t.offset);
    if (first > e->second.size / es || numel > e->second.size / es - first)
      return Corrupt(where + "runs past the end of its storage");
    TensorView view;
    view.name = k->s;
    view.dtype = t.storage.dtype;
    view.shape = t.shape;
    view.data = e->second.data + first * es;
    view.nbytes = static_cast<size_t>(numel * es);
    views[k->s] = std::move(view);
  }
  return SafetensorsFile::FromViews(std::move(views), {});
}

Result<std::unique_ptr<SafetensorsFile>> OpenTorchCheckpoint(const std::filesystem::path& path) {
  auto mapped = MappedFile::Open(path);
  if (!mapped.ok()) return mapped.status();
  auto parsed = ParseTorchCheckpoint((*mapped)->data(), (*mapped)->size(), path.string());
  if (!parsed.ok()) return parsed.status();
  (*parsed)->KeepAlive(std::move(*mapped));
  return parsed;
}

}  // namespace shoebox
