// cpp_dyn: dynamically linked C++ (libstdc++.so.6, libgcc_s.so.1, libm, libc):
// iostream, exceptions unwinding through the shared libstdc++ (thrown by the library
// itself and by user code), std::map / std::string / std::vector / std::sort, virtual
// functions, and static initialisation of a global object with a constructor.
#include <algorithm>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

struct Registry {
    std::map<std::string, int> items;
    Registry() { items["init"] = 1; std::cout << "global constructor ran\n"; }
    ~Registry() { std::cout << "global destructor ran, items=" << items.size() << '\n'; }
};
static Registry registry;

struct Animal { virtual ~Animal() = default; virtual std::string speak() const = 0; };
struct Dog : Animal { std::string speak() const override { return "woof"; } };
struct Cat : Animal { std::string speak() const override { return "meow"; } };

static int checked_div(int a, int b)
{
    if (b == 0) throw std::domain_error("division by zero");
    return a / b;
}

int main(int argc, char **argv)
{
    std::cout << "dynamic C++ program, argc=" << argc << '\n';
    for (int i = 1; i < argc; i++) registry.items[argv[i]] = i;
    std::vector<std::string> words = { "pear", "apple", "fig", "banana", "cherry" };
    std::sort(words.begin(), words.end());
    for (auto &w : words) std::cout << w << ' ';
    std::cout << '\n';
    std::sort(words.begin(), words.end(), [](const std::string &a, const std::string &b) {
        return a.size() != b.size() ? a.size() < b.size() : a > b;
    });
    for (auto &w : words) std::cout << w << ' ';
    std::cout << '\n';
    for (auto &kv : registry.items) std::cout << kv.first << "->" << kv.second << '\n';
    Dog d; Cat c;
    const Animal *zoo[] = { &d, &c, &d };
    for (auto *a : zoo) std::cout << a->speak() << ' ';
    std::cout << '\n';
    for (int b : { 2, 0, 5 }) {
        try {
            std::cout << "100/" << b << '=' << checked_div(100, b) << '\n';
        } catch (const std::exception &e) {
            std::cout << "caught: " << e.what() << '\n';
        }
    }
    try {
        std::string s = "short";
        s.at(100);
    } catch (const std::out_of_range &e) {
        std::cout << "library threw out_of_range\n";
    }
    return 0;
}
