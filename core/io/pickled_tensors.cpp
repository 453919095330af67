// A small pickle evaluator that follows only what tensors are made of: integers, strings,
// globals, tuples, memo entries, persistent ids and calls; anything else is an opaque value.
#include "io/pickled_tensors.h"

#include "io/little_endian.h"

#include <map>
#include <memory>
#include <vector>

namespace torchprep {

namespace {

struct Value
{
    enum class Kind { Opaque, Int, Str, Global, Tuple, Storage, Tensor, Dict };
    Kind kind = Kind::Opaque;
    std::int64_t integer = 0; // Int; Storage: its element count
    std::string text;         // Str, Global ("torch.FloatStorage"); Storage: its key
    // Tuple: shared, so that memo entries and their copies cost nothing to copy.
    std::shared_ptr<const std::vector<Value>> items;
    std::uint64_t itemSize = 0;                  // Storage: bytes per element, 0 when unknown
    std::shared_ptr<const PickledTensor> tensor; // Tensor: what it views
    std::string storageClass;                    // Storage: "torch.FloatStorage"
};

std::uint64_t itemSizeOf(const std::string &storageClass)
{
    static const std::map<std::string, std::uint64_t> sizes = {
        {"torch.DoubleStorage", 8},       {"torch.FloatStorage", 4},
        {"torch.HalfStorage", 2},         {"torch.BFloat16Storage", 2},
        {"torch.LongStorage", 8},         {"torch.IntStorage", 4},
        {"torch.ShortStorage", 2},        {"torch.CharStorage", 1},
        {"torch.ByteStorage", 1},         {"torch.BoolStorage", 1},
        {"torch.ComplexFloatStorage", 8}, {"torch.ComplexDoubleStorage", 16},
        {"torch.QInt8Storage", 1},        {"torch.QUInt8Storage", 1},
        {"torch.QInt32Storage", 4},       {"torch.UntypedStorage", 1},
    };
    const auto it = sizes.find(storageClass);
    return it == sizes.end() ? 0 : it->second;
}

class TensorScan
{
  public:
    TensorScan(const std::string &bytes, const std::string &archive, const RecordSize &recordSize,
               std::vector<PickledTensor> *dict = nullptr)
        : bytes_(bytes), archive_(archive), recordSize_(recordSize), dict_(dict)
    {
    }

    std::string run()
    {
        while (problem_.empty() && p_ < bytes_.size()) {
            const unsigned char op = static_cast<unsigned char>(bytes_[p_++]);
            if (op == '.' || !step(op) || stack_.size() > kMaxValues)
                break;
        }
        return problem_;
    }

  private:
    // Skips `n` bytes; with `out`, reads them first as a little-endian integer (n <= 8).
    bool take(std::uint64_t n, std::uint64_t *out = nullptr)
    {
        if (n > bytes_.size() - p_)
            return false;
        if (out)
            *out = little(bytes_, p_, static_cast<int>(n));
        p_ += static_cast<std::size_t>(n);
        return true;
    }
    bool text(std::size_t lengthBytes, Value *out)
    {
        std::uint64_t n = 0;
        const std::size_t start = p_ + lengthBytes;
        if (!take(lengthBytes, &n) || !take(n))
            return false;
        out->kind = Value::Kind::Str;
        out->text = bytes_.substr(start, static_cast<std::size_t>(n));
        return true;
    }
    bool line(std::string *out)
    {
        const auto end = bytes_.find('\n', p_);
        if (end == std::string::npos)
            return false;
        *out = bytes_.substr(p_, end - p_);
        p_ = end + 1;
        return true;
    }
    void push(Value v) { stack_.push_back(std::move(v)); }
    // Real pickles hold thousands of values around their tensors; past this, stop following
    // rather than hold gigabytes (libtorch's own nesting and size limits still apply).
    static constexpr std::size_t kMaxValues = std::size_t(1) << 22;
    bool pop(Value *out)
    {
        if (stack_.empty() || (!marks_.empty() && stack_.size() == marks_.back()))
            return false;
        *out = std::move(stack_.back());
        stack_.pop_back();
        return true;
    }
    // Everything above the last mark, as a tuple's items (null: only dropped).
    bool popToMark(Value *tuple)
    {
        if (marks_.empty())
            return false;
        const std::size_t i = marks_.back();
        marks_.pop_back();
        if (tuple) {
            tuple->kind = Value::Kind::Tuple;
            tuple->items = std::make_shared<const std::vector<Value>>(
                std::make_move_iterator(stack_.begin() + static_cast<long>(i)),
                std::make_move_iterator(stack_.end()));
        }
        stack_.resize(i);
        return true;
    }
    bool tuple(std::size_t n)
    {
        if (stack_.size() - (marks_.empty() ? 0 : marks_.back()) < n)
            return false;
        Value t;
        t.kind = Value::Kind::Tuple;
        t.items = std::make_shared<const std::vector<Value>>(
            std::make_move_iterator(stack_.end() - static_cast<long>(n)),
            std::make_move_iterator(stack_.end()));
        stack_.resize(stack_.size() - n);
        push(std::move(t));
        return true;
    }
    bool integer(std::size_t width, bool isSigned)
    {
        std::uint64_t raw = 0;
        if (!take(width, &raw))
            return false;
        Value v;
        v.kind = Value::Kind::Int;
        v.integer = isSigned && width == 4 ? static_cast<std::int32_t>(raw)
                                           : static_cast<std::int64_t>(raw);
        push(std::move(v));
        return true;
    }
    bool long1()
    {
        std::uint64_t n = 0;
        if (!take(1, &n) || n > bytes_.size() - p_)
            return false;
        Value v;
        if (n <= 8) { // two's complement, little endian
            std::uint64_t raw = little(bytes_, p_, static_cast<int>(n));
            if (n > 0 && n < 8 && (raw >> (8 * n - 1)) & 1)
                raw |= ~std::uint64_t(0) << (8 * n);
            v.kind = Value::Kind::Int;
            v.integer = static_cast<std::int64_t>(raw);
        }
        p_ += static_cast<std::size_t>(n);
        push(std::move(v));
        return true;
    }

    // ('storage', class, key, location, numel): fits in its record.
    Value storage(const Value &pid)
    {
        Value s;
        if (pid.kind != Value::Kind::Tuple)
            return s;
        const auto &f = *pid.items;
        if (f.size() != 5 || f[0].kind != Value::Kind::Str || f[0].text != "storage" ||
            f[1].kind != Value::Kind::Global || f[2].kind != Value::Kind::Str ||
            f[4].kind != Value::Kind::Int)
            return s;
        s.kind = Value::Kind::Storage;
        s.text = f[2].text;
        s.storageClass = f[1].text;
        s.integer = f[4].integer;
        s.itemSize = itemSizeOf(f[1].text);
        const std::string record = archive_ + "/" + s.text;
        if (s.integer < 0) {
            problem_ = "storage '" + record + "' has " + std::to_string(s.integer) + " elements";
            return s;
        }
        // A missing record is libtorch's to refuse; it reads none for an empty storage.
        const auto size = recordSize_(record);
        if (s.integer > 0 && s.itemSize > 0 && size &&
            static_cast<unsigned __int128>(s.integer) * s.itemSize > *size)
            problem_ = "storage '" + record + "' claims " + std::to_string(s.integer) +
                       " elements of " + std::to_string(s.itemSize) + " bytes, more than its " +
                       std::to_string(*size) + " bytes";
        return s;
    }

    // _rebuild_tensor_v2(storage, offset, sizes, strides, ...): inside its storage; the tensor
    // it makes, when the scan follows a dict of tensors.
    Value checkTensor(const Value &args)
    {
        Value made;
        checkView(args);
        if (!dict_ || !problem_.empty() || args.kind != Value::Kind::Tuple ||
            args.items->size() < 4)
            return made;
        const auto &f = *args.items;
        if (f[0].kind != Value::Kind::Storage || f[1].kind != Value::Kind::Int ||
            f[2].kind != Value::Kind::Tuple || f[3].kind != Value::Kind::Tuple)
            return made;
        auto tensor = std::make_shared<PickledTensor>();
        tensor->record = archive_ + "/" + f[0].text;
        tensor->storageClass = f[0].storageClass;
        tensor->offset = f[1].integer;
        for (const Value &v : *f[2].items)
            tensor->sizes.push_back(v.integer);
        for (const Value &v : *f[3].items)
            tensor->strides.push_back(v.integer);
        made.kind = Value::Kind::Tensor;
        made.tensor = std::move(tensor);
        return made;
    }

    // A key and a value set into a dict: kept when they are a name and a tensor.
    void setItem(const Value &dict, const Value &key, const Value &value)
    {
        if (dict_ && dict.kind == Value::Kind::Dict && key.kind == Value::Kind::Str &&
            value.kind == Value::Kind::Tensor) {
            PickledTensor t = *value.tensor;
            t.key = key.text;
            dict_->push_back(std::move(t));
        }
    }

    void checkView(const Value &args)
    {
        if (args.kind != Value::Kind::Tuple)
            return;
        const auto &f = *args.items;
        if (f.size() < 4 || f[0].kind != Value::Kind::Storage || f[1].kind != Value::Kind::Int ||
            f[2].kind != Value::Kind::Tuple || f[3].kind != Value::Kind::Tuple)
            return;
        const std::string record = archive_ + "/" + f[0].text;
        const auto &sizes = *f[2].items, &strides = *f[3].items;
        if (sizes.size() != strides.size()) {
            problem_ = "a tensor over '" + record + "' has " + std::to_string(sizes.size()) +
                       " sizes and " + std::to_string(strides.size()) + " strides";
            return;
        }
        const std::int64_t offset = f[1].integer;
        bool empty = false;
        for (std::size_t i = 0; i < sizes.size(); ++i) {
            if (sizes[i].kind != Value::Kind::Int || strides[i].kind != Value::Kind::Int)
                return;
            if (sizes[i].integer < 0 || strides[i].integer < 0) {
                problem_ = "a tensor over '" + record + "' has a negative size or stride";
                return;
            }
            empty = empty || sizes[i].integer == 0;
        }
        if (offset < 0) {
            problem_ = "a tensor over '" + record + "' starts at element " + std::to_string(offset);
            return;
        }
        if (empty)
            return;
        unsigned __int128 last = static_cast<std::uint64_t>(offset);
        for (std::size_t i = 0; i < sizes.size(); ++i)
            last += static_cast<unsigned __int128>(sizes[i].integer - 1) *
                    static_cast<std::uint64_t>(strides[i].integer);
        if (last >= static_cast<unsigned __int128>(static_cast<std::uint64_t>(f[0].integer)))
            problem_ = "a tensor over '" + record + "' reaches past the " +
                       std::to_string(f[0].integer) + " elements of its storage";
    }

    bool step(unsigned char op)
    {
        Value a, b;
        std::uint64_t n = 0;
        switch (op) {
        case 0x80: // PROTO
            return take(1);
        case 0x95: // FRAME
            return take(8);
        case '(':
            marks_.push_back(stack_.size());
            return true;
        case ')':
            return tuple(0);
        case 0x85:
            return tuple(1);
        case 0x86:
            return tuple(2);
        case 0x87:
            return tuple(3);
        case 't':
            return popToMark(&a) && (push(std::move(a)), true);
        case 'K':
            return integer(1, false);
        case 'M':
            return integer(2, false);
        case 'J':
            return integer(4, true);
        case 0x8a:
            return long1();
        case 'X':
            return text(4, &a) && (push(std::move(a)), true);
        case 0x8c:
            return text(1, &a) && (push(std::move(a)), true);
        case 0x8d:
            return text(8, &a) && (push(std::move(a)), true);
        case 'c': {
            std::string module, name;
            if (!line(&module) || !line(&name))
                return false;
            a.kind = Value::Kind::Global;
            a.text = module + "." + name;
            push(std::move(a));
            return true;
        }
        case 'Q': // BINPERSID
            return pop(&a) && (push(storage(a)), true);
        case 'R': { // REDUCE
            if (!pop(&b) || !pop(&a))
                return false;
            Value made;
            if (a.kind == Value::Kind::Global && a.text == "torch._utils._rebuild_tensor_v2")
                made = checkTensor(b);
            // A parameter is its tensor; an OrderedDict() a dict the scan fills.
            else if (a.kind == Value::Kind::Global &&
                     (a.text == "torch._utils._rebuild_parameter" ||
                      a.text == "torch._utils._rebuild_parameter_with_state") &&
                     b.kind == Value::Kind::Tuple && !b.items->empty())
                made = b.items->front();
            else if (a.kind == Value::Kind::Global && a.text == "collections.OrderedDict")
                made.kind = Value::Kind::Dict;
            push(std::move(made));
            return true;
        }
        case 'q':
            return take(1, &n) && !stack_.empty() && (memo_[n] = stack_.back(), true);
        case 'r':
            return take(4, &n) && !stack_.empty() && (memo_[n] = stack_.back(), true);
        case 0x94: // MEMOIZE
            return !stack_.empty() && (memo_[memo_.size()] = stack_.back(), true);
        case 'h':
        case 'j': {
            if (!take(op == 'h' ? 1 : 4, &n))
                return false;
            const auto it = memo_.find(n);
            return it != memo_.end() && (push(it->second), true);
        }
        case '}':
            a.kind = Value::Kind::Dict;
            push(std::move(a));
            return true;
        case 'N':
        case 0x88:
        case 0x89:
        case ']':
            push(Value{});
            return true;
        case 'G':
            return take(8) && (push(Value{}), true);
        case 'B':
        case 'T':
            return take(4, &n) && take(n) && (push(Value{}), true);
        case 'C':
        case 'U':
            return take(1, &n) && take(n) && (push(Value{}), true);
        case 'a': // APPEND: the list stays opaque
        case 'b': // BUILD
            return pop(&a);
        case 's': // SETITEM
            if (!pop(&b) || !pop(&a) || stack_.empty())
                return false;
            setItem(stack_.back(), a, b);
            return true;
        case 'u': { // SETITEMS
            Value items;
            if (!popToMark(&items) || stack_.empty())
                return false;
            for (std::size_t i = 0; i + 1 < items.items->size(); i += 2)
                setItem(stack_.back(), (*items.items)[i], (*items.items)[i + 1]);
            return true;
        }
        case 'e':
            return popToMark(nullptr);
        case 0x81: // NEWOBJ
            return pop(&a) && pop(&b) && (push(Value{}), true);
        case '0':
            return pop(&a);
        case '1':
            return popToMark(nullptr);
        case '2':
            return !stack_.empty() && (push(stack_.back()), true);
        default: // what torch does not write around tensors: stop following
            return false;
        }
    }

    const std::string &bytes_;
    const std::string &archive_;
    const RecordSize &recordSize_;
    std::vector<PickledTensor> *dict_; // null: only check
    std::size_t p_ = 0;
    std::vector<Value> stack_;
    std::vector<std::size_t> marks_; // stack sizes at each MARK
    std::map<std::uint64_t, Value> memo_;
    std::string problem_;
};

} // namespace

std::string pickledTensorProblem(const std::string &pickle, const std::string &archive,
                                 const RecordSize &recordSize)
{
    return TensorScan(pickle, archive, recordSize).run();
}

std::vector<PickledTensor> pickledTensorDict(const std::string &pickle, const std::string &archive,
                                             const RecordSize &recordSize, std::string *problem)
{
    std::vector<PickledTensor> tensors;
    *problem = TensorScan(pickle, archive, recordSize, &tensors).run();
    return tensors;
}

} // namespace torchprep
