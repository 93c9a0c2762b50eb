// cpp_exceptions: C++ exception handling: throw/catch across several function frames,
// std::runtime_error / logic_error / out_of_range with what(), a custom exception
// hierarchy caught by base reference, rethrow with throw;, nested try blocks,
// std::exception_ptr, destructors of locals running during unwinding (RAII log),
// exceptions thrown from constructors, catch(...), noexcept queries, and exceptions
// from the standard library (vector::at, stoi, bad_alloc via huge new).
#include <exception>
#include <iostream>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

static std::vector<std::string> log_;

struct Guard {
    std::string n;
    explicit Guard(std::string s) : n(std::move(s)) { log_.push_back("+" + n); }
    ~Guard() { log_.push_back("-" + n); }
};

struct AppError : std::runtime_error {
    int code;
    AppError(const std::string &m, int c) : std::runtime_error(m), code(c) {}
};
struct ParseError : AppError {
    ParseError(const std::string &m) : AppError("parse: " + m, 2) {}
};

static int level3(int x)
{
    Guard g("level3");
    if (x == 1) throw std::runtime_error("runtime failure in level3");
    if (x == 2) throw ParseError("bad token");
    if (x == 3) throw 42;
    if (x == 4) throw std::string("a string");
    if (x == 5) throw std::out_of_range("index 7 out of range");
    return x * 10;
}
static int level2(int x) { Guard g("level2"); return level3(x) + 1; }
static int level1(int x)
{
    Guard g("level1");
    try {
        return level2(x);
    } catch (const AppError &e) {
        log_.push_back("level1 saw AppError, rethrowing");
        throw;
    }
}

struct Throwing {
    Guard member{"member"};
    explicit Throwing(bool t) { if (t) throw std::logic_error("constructor failed"); }
};

static void flush_log()
{
    std::cout << "  log:";
    for (auto &s : log_) std::cout << ' ' << s;
    std::cout << '\n';
    log_.clear();
}

int main()
{
    for (int x = 0; x <= 6; x++) {
        try {
            int r = level1(x);
            std::cout << "x=" << x << " returned " << r << '\n';
        } catch (const ParseError &e) {
            std::cout << "x=" << x << " ParseError what=\"" << e.what() << "\" code=" << e.code << '\n';
        } catch (const std::runtime_error &e) {
            std::cout << "x=" << x << " runtime_error what=\"" << e.what() << "\"\n";
        } catch (const std::exception &e) {
            std::cout << "x=" << x << " std::exception what=\"" << e.what() << "\"\n";
        } catch (int i) {
            std::cout << "x=" << x << " caught int " << i << '\n';
        } catch (...) {
            std::cout << "x=" << x << " caught something else\n";
        }
        flush_log();
    }
    try {
        Throwing t(true);
    } catch (const std::logic_error &e) {
        std::cout << "constructor threw: " << e.what() << '\n';
    }
    flush_log();

    std::exception_ptr ep;
    try {
        std::vector<int> v(3);
        v.at(10) = 1;
    } catch (...) {
        ep = std::current_exception();
    }
    try {
        if (ep) std::rethrow_exception(ep);
    } catch (const std::out_of_range &e) {
        std::cout << "rethrown exception_ptr: out_of_range caught\n";
    }
    try {
        std::stoi("not a number");
    } catch (const std::invalid_argument &e) {
        std::cout << "stoi threw invalid_argument\n";
    }
    try {
        std::stoi("99999999999999999999");
    } catch (const std::out_of_range &e) {
        std::cout << "stoi threw out_of_range\n";
    }
    try {
        volatile size_t huge = static_cast<size_t>(1) << 62;
        char *p = new char[huge];
        std::cout << "allocation succeeded?" << (p != nullptr) << '\n';
    } catch (const std::bad_alloc &e) {
        std::cout << "bad_alloc caught: " << e.what() << '\n';
    }
    // nested try with different handlers
    int caught = 0;
    for (int i = 0; i < 1000; i++) {
        try {
            try {
                if (i % 3 == 0) throw std::runtime_error("inner");
                if (i % 3 == 1) throw i;
            } catch (const std::runtime_error &) {
                caught += 1;
                if (i % 2) throw;
            }
        } catch (const std::exception &) {
            caught += 100;
        } catch (int) {
            caught += 10000;
        }
    }
    std::cout << "nested loop caught=" << caught << '\n';
    std::cout << "noexcept(level1(0))=" << noexcept(level1(0)) << " noexcept(flush_log())=" << noexcept(flush_log())
              << '\n';
    std::cout << "uncaught_exceptions=" << std::uncaught_exceptions() << '\n';
    return 0;
}
