// The files one run reads and writes, checked before anything is written: no output may be an
// input or another output of the same run, by path, through a symbolic link, or as a hard link
// (the same device and inode).
#pragma once

#include <string>
#include <vector>

namespace torchprep {

class RunFiles
{
  public:
    // `role` names the file for the user: "the input model", "-o", "--emit-python".
    void reads(const std::string &path, const std::string &role);
    void writes(const std::string &path, const std::string &role);

    // Throws InputError naming the first output that is an input or another output:
    // "--emit-python would write 'out/m.py', which is the input model 'out/m.py'".
    void check() const;

  private:
    struct Entry
    {
        std::string path;
        std::string role;
    };
    std::vector<Entry> inputs_;
    std::vector<Entry> outputs_;
};

// True when `a` and `b` name the same file: the same inode when both exist, else the same
// absolute path with symbolic links in its folders resolved.
bool sameFile(const std::string &a, const std::string &b);

} // namespace torchprep
