// cpp_basics: iostream formatting (ints, hex, setw/setfill, fixed/scientific doubles,
// booleans), std::string operations, std::vector, std::map, std::unordered_map
// (printed in sorted order), std::set, std::deque, std::sort / stable_sort / binary
// search / accumulate / transform / unique / partition, and virtual dispatch through a
// class hierarchy with an abstract base class and a virtual destructor.
#include <algorithm>
#include <cstdint>
#include <deque>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

struct Shape {
    virtual ~Shape() { std::cout << "~Shape(" << name() << ")\n"; }
    virtual double area() const = 0;
    virtual std::string name() const { return "shape"; }
    std::string describe() const
    {
        std::ostringstream os;
        os << name() << " area=" << std::fixed << std::setprecision(3) << area();
        return os.str();
    }
};
struct Circle : Shape {
    double r;
    explicit Circle(double r_) : r(r_) {}
    double area() const override { return 3.141592653589793 * r * r; }
    std::string name() const override { return "circle"; }
};
struct Rect : Shape {
    double w, h;
    Rect(double w_, double h_) : w(w_), h(h_) {}
    double area() const override { return w * h; }
    std::string name() const override { return "rect"; }
};
struct Square final : Rect {
    explicit Square(double s) : Rect(s, s) {}
    std::string name() const override { return "square"; }
};

int main()
{
    std::cout << "int " << 42 << " neg " << -7 << " hex " << std::hex << 255 << " " << std::showbase << 255
              << std::noshowbase << std::dec << " oct " << std::oct << 8 << std::dec << '\n';
    std::cout << '[' << std::setw(8) << 123 << "][" << std::left << std::setw(8) << 123 << std::right << "]["
              << std::setfill('0') << std::setw(8) << 123 << std::setfill(' ') << "]\n";
    std::cout << std::boolalpha << true << ' ' << false << std::noboolalpha << ' ' << true << '\n';
    std::cout << 3.14159265358979 << ' ' << 1e-7 << ' ' << 1e21 << ' ' << std::fixed << std::setprecision(4)
              << 3.14159265358979 << ' ' << std::scientific << 12345.678 << std::defaultfloat << ' '
              << std::setprecision(17) << 0.1 << std::setprecision(6) << '\n';
    std::cout << INT64_MIN << ' ' << UINT64_MAX << ' ' << static_cast<int>('A') << ' ' << 'A' << '\n';

    std::string s = "The quick brown fox";
    s += " jumps";
    s.insert(4, "very ");
    std::string up = s;
    std::transform(up.begin(), up.end(), up.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    std::cout << s << " | " << up << " | size=" << s.size() << " find(fox)=" << s.find("fox")
              << " rfind(o)=" << s.rfind('o') << " substr=" << s.substr(4, 4) << '\n';
    std::cout << "compare: " << (std::string("abc") < std::string("abd")) << ' ' << std::string("b").compare("a") << '\n';
    std::cout << "to_string: " << std::to_string(12345) << ' ' << std::to_string(-3.5) << " stoi: " << std::stoi("  -42x")
              << " stod: " << std::stod("2.5e3") << '\n';

    std::vector<int> v;
    for (int i = 0; i < 30; i++) v.push_back((i * 37 + 11) % 50);
    std::vector<int> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    std::cout << "sorted:";
    for (int x : sorted) std::cout << ' ' << x;
    std::cout << "\nsum=" << std::accumulate(v.begin(), v.end(), 0) << " max=" << *std::max_element(v.begin(), v.end())
              << " count(<25)=" << std::count_if(v.begin(), v.end(), [](int x) { return x < 25; })
              << " has 48=" << std::binary_search(sorted.begin(), sorted.end(), 48) << '\n';
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    std::cout << "unique count=" << sorted.size() << '\n';
    std::vector<std::pair<int, std::string>> pairs = { { 3, "c" }, { 1, "a" }, { 3, "a" }, { 2, "z" }, { 1, "b" } };
    std::stable_sort(pairs.begin(), pairs.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    for (auto &p : pairs) std::cout << p.first << p.second << ' ';
    std::cout << '\n';
    auto mid = std::partition(v.begin(), v.end(), [](int x) { return x % 2 == 0; });
    std::cout << "evens=" << (mid - v.begin()) << '\n';
    std::vector<int> rev(v.rbegin(), v.rend());
    std::reverse(rev.begin(), rev.end());
    std::cout << "reverse twice equal=" << (rev == v) << '\n';

    std::map<std::string, int> m;
    std::unordered_map<std::string, int> um;
    std::istringstream words("one two three two three three four four four four");
    for (std::string w; words >> w;) { m[w]++; um[w] += 10; }
    for (auto &kv : m) std::cout << kv.first << '=' << kv.second << ' ';
    std::cout << '\n';
    std::vector<std::string> keys;
    for (auto &kv : um) keys.push_back(kv.first);
    std::sort(keys.begin(), keys.end());
    for (auto &k : keys) std::cout << k << ':' << um.at(k) << ' ';
    std::cout << "| um.size=" << um.size() << " count(five)=" << um.count("five") << '\n';
    auto it = m.lower_bound("p");
    std::cout << "lower_bound(p)=" << (it == m.end() ? "end" : it->first) << '\n';

    std::set<int> st(v.begin(), v.end());
    std::deque<int> dq;
    for (int x : st) { if (x % 3) dq.push_back(x); else dq.push_front(x); }
    std::cout << "set size=" << st.size() << " deque front=" << dq.front() << " back=" << dq.back() << '\n';

    std::vector<std::unique_ptr<Shape>> shapes;
    shapes.push_back(std::make_unique<Circle>(1.5));
    shapes.push_back(std::make_unique<Rect>(2, 3.5));
    shapes.push_back(std::make_unique<Square>(4));
    double total = 0;
    for (auto &sh : shapes) { std::cout << sh->describe() << '\n'; total += sh->area(); }
    std::cout << "total area " << std::fixed << std::setprecision(2) << total << '\n';
    Shape *base = shapes[2].get();
    std::cout << "dynamic_cast<Rect*> ok=" << (dynamic_cast<Rect *>(base) != nullptr)
              << " dynamic_cast<Circle*> null=" << (dynamic_cast<Circle *>(base) == nullptr) << '\n';
    shapes.clear();
    std::cout << "done" << std::endl;
    return 0;
}
