// cpp_modern: newer C++ library features: lambdas and std::function, templates
// with constexpr evaluation, std::optional / std::variant / std::visit, std::array,
// std::tuple and structured bindings, shared_ptr/weak_ptr reference counts,
// move semantics (moved-from strings), std::string_view, iostream to a string stream
// and back, std::priority_queue, operator overloading.
#include <array>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <queue>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <variant>
#include <vector>

template <typename T> constexpr T power(T b, unsigned e) { return e == 0 ? T(1) : b * power(b, e - 1); }
template <unsigned N> struct Fact { static constexpr unsigned long long value = N * Fact<N - 1>::value; };
template <> struct Fact<0> { static constexpr unsigned long long value = 1; };

struct Vec2 {
    double x, y;
    Vec2 operator+(const Vec2 &o) const { return { x + o.x, y + o.y }; }
    Vec2 operator*(double k) const { return { x * k, y * k }; }
    bool operator==(const Vec2 &o) const { return x == o.x && y == o.y; }
};
std::ostream &operator<<(std::ostream &os, const Vec2 &v) { return os << '(' << v.x << ", " << v.y << ')'; }

static std::optional<int> parse_int(std::string_view s)
{
    if (s.empty()) return std::nullopt;
    int v = 0;
    for (char c : s) { if (c < '0' || c > '9') return std::nullopt; v = v * 10 + (c - '0'); }
    return v;
}

using Value = std::variant<int, double, std::string>;
struct Printer {
    std::string operator()(int i) const { return "int:" + std::to_string(i); }
    std::string operator()(double d) const { std::ostringstream o; o << "double:" << d; return o.str(); }
    std::string operator()(const std::string &s) const { return "string:" + s; }
};

static std::tuple<int, std::string, double> triple() { return { 7, "seven", 7.5 }; }

int main()
{
    static_assert(power(2, 10) == 1024, "constexpr power");
    std::cout << "power(3,4)=" << power(3, 4) << " Fact<20>=" << Fact<20>::value << '\n';
    int base = 10;
    auto add = [base](int x) { return x + base; };
    std::function<int(int)> f = add;
    std::function<int(int)> twice = [f](int x) { return f(f(x)); };
    std::vector<std::function<int(int)>> fs = { add, twice, [](int x) { return x * x; } };
    for (auto &fn : fs) std::cout << fn(5) << ' ';
    std::cout << '\n';
    int counter = 0;
    auto inc = [&counter]() mutable { return ++counter; };
    inc(); inc(); inc();
    std::cout << "counter=" << counter << '\n';
    std::function<long(int)> fib = [&fib](int n) -> long { return n < 2 ? n : fib(n - 1) + fib(n - 2); };
    std::cout << "fib(25)=" << fib(25) << '\n';

    for (std::string_view s : { "123", "", "12a", "0042" }) {
        auto v = parse_int(s);
        std::cout << '"' << s << "\" -> " << (v ? std::to_string(*v) : std::string("nullopt")) << " value_or=" << v.value_or(-1) << '\n';
    }
    std::vector<Value> vals = { 42, 2.5, std::string("hi"), 7 };
    for (auto &v : vals) std::cout << std::visit(Printer{}, v) << " index=" << v.index() << '\n';
    std::cout << "holds double: " << std::holds_alternative<double>(vals[1]) << " get_if int null: " << (std::get_if<int>(&vals[1]) == nullptr) << '\n';

    auto [n, name, d] = triple();
    std::cout << "structured binding: " << n << ' ' << name << ' ' << d << '\n';
    std::array<int, 5> arr = { 5, 4, 3, 2, 1 };
    std::cout << "array size=" << arr.size() << " back=" << arr.back() << '\n';

    std::weak_ptr<std::string> weak;
    {
        auto sp = std::make_shared<std::string>("shared");
        auto sp2 = sp;
        weak = sp;
        std::cout << "use_count=" << sp.use_count() << " expired=" << weak.expired() << '\n';
        sp2.reset();
        std::cout << "use_count after reset=" << sp.use_count() << '\n';
    }
    std::cout << "expired after scope=" << weak.expired() << '\n';

    std::string a = "a long string that will not fit the small string buffer";
    std::string b = std::move(a);
    std::cout << "moved: b.size=" << b.size() << " a.empty=" << a.empty() << '\n';
    std::vector<std::string> vs;
    vs.reserve(2);
    vs.push_back(std::move(b));
    vs.emplace_back(3, 'x');
    std::cout << vs[1] << " cap>=2:" << (vs.capacity() >= 2) << '\n';

    Vec2 p{1.5, -2}, q{0.25, 4};
    std::cout << "vec: " << p + q << ' ' << p * 2 << ' ' << (p + q == Vec2{1.75, 2}) << '\n';

    std::priority_queue<std::pair<int, std::string>> pq;
    pq.emplace(3, "three"); pq.emplace(10, "ten"); pq.emplace(1, "one"); pq.emplace(7, "seven");
    while (!pq.empty()) { std::cout << pq.top().second << ' '; pq.pop(); }
    std::cout << '\n';

    std::stringstream ss;
    ss << 12 << ' ' << 3.25 << ' ' << "word" << ' ' << -8;
    int i1, i2; double dd; std::string w;
    ss >> i1 >> dd >> w >> i2;
    std::cout << "parsed back: " << i1 << '|' << dd << '|' << w << '|' << i2 << " str=\"" << ss.str() << "\"\n";
    std::string line, all;
    std::istringstream lines("first line\nsecond line\n\nfourth");
    int count = 0;
    while (std::getline(lines, line)) { count++; all += "[" + line + "]"; }
    std::cout << count << ' ' << all << '\n';
    return 0;
}
