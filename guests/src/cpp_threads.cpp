// cpp_threads: C++ standard threads with results that do not depend on the interleaving:
// std::thread (create, join, move, hardware_concurrency > 0), std::mutex with lock_guard and
// unique_lock, std::condition_variable (a work queue with a shutdown flag), std::async with
// std::launch::async and deferred, std::future/std::promise (value and exception),
// std::packaged_task, thread_local objects with constructors and destructors, std::atomic
// counters and a compare-exchange maximum, std::call_once, std::shared_mutex, std::latch-like
// counting with a condition variable. Everything is joined before it is printed.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <functional>
#include <future>
#include <iostream>
#include <map>
#include <mutex>
#include <numeric>
#include <shared_mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

static void basics() {
    std::vector<std::thread> threads;
    std::vector<long> results(16);
    for (int i = 0; i < 16; i++)
        threads.emplace_back([i, &results] {
            long s = 0;
            for (int k = 0; k <= 1000 * (i + 1); k++) s += k;
            results[i] = s;
        });
    for (auto &t : threads) t.join();
    long total = std::accumulate(results.begin(), results.end(), 0L);
    std::cout << "std::thread: 16 threads, total " << total << "\n";

    std::thread a([] {});
    std::thread b(std::move(a));
    std::cout << "moved thread: source joinable " << a.joinable() << ", target joinable " << b.joinable() << "\n";
    b.join();
    std::cout << "hardware_concurrency > 0: " << (std::thread::hardware_concurrency() > 0 ? "yes" : "no") << "\n";
    std::thread::id main_id = std::this_thread::get_id();
    bool differs = false;
    std::thread([&] { differs = std::this_thread::get_id() != main_id; }).join();
    std::cout << "thread ids differ: " << (differs ? "yes" : "no") << "\n";
}

static void mutexes() {
    std::mutex m;
    std::map<int, int> histogram;
    long counter = 0;
    std::vector<std::thread> ts;
    for (int t = 0; t < 6; t++)
        ts.emplace_back([&, t] {
            for (int i = 0; i < 5000; i++) {
                std::lock_guard<std::mutex> g(m);
                counter++;
                histogram[(i * 7 + t) % 10]++;
            }
        });
    for (auto &t : ts) t.join();
    std::cout << "mutex: counter " << counter << ", histogram";
    for (auto &[k, v] : histogram) std::cout << " " << k << ":" << v;
    std::cout << "\n";

    std::unique_lock<std::mutex> lk(m, std::defer_lock);
    bool before = lk.owns_lock();
    lk.lock();
    bool other_try = true;
    std::thread([&] { other_try = m.try_lock(); if (other_try) m.unlock(); }).join();
    lk.unlock();
    std::cout << "unique_lock: owns before " << before << ", try_lock by another thread while held " << other_try << "\n";
}

class WorkQueue {
  public:
    void push(std::function<long()> job) {
        {
            std::lock_guard<std::mutex> g(m_);
            jobs_.push_back(std::move(job));
        }
        cv_.notify_one();
    }
    void close() {
        {
            std::lock_guard<std::mutex> g(m_);
            closed_ = true;
        }
        cv_.notify_all();
    }
    bool pop(std::function<long()> &job) {
        std::unique_lock<std::mutex> lk(m_);
        cv_.wait(lk, [this] { return closed_ || !jobs_.empty(); });
        if (jobs_.empty()) return false;
        job = std::move(jobs_.front());
        jobs_.pop_front();
        return true;
    }

  private:
    std::mutex m_;
    std::condition_variable cv_;
    std::deque<std::function<long()>> jobs_;
    bool closed_ = false;
};

static void condition_variables() {
    WorkQueue q;
    std::atomic<long> sum{0};
    std::atomic<int> done{0};
    std::vector<std::thread> workers;
    for (int w = 0; w < 4; w++)
        workers.emplace_back([&] {
            std::function<long()> job;
            while (q.pop(job)) {
                sum += job();
                done++;
            }
        });
    for (int i = 1; i <= 500; i++) q.push([i] { return static_cast<long>(i) * i; });
    q.close();
    for (auto &w : workers) w.join();
    std::cout << "condition_variable work queue: " << done.load() << " jobs, sum " << sum.load() << "\n";

    // A countdown: the main thread waits until every worker has checked in.
    std::mutex m;
    std::condition_variable cv;
    int remaining = 5;
    std::vector<int> order_free;
    std::vector<std::thread> ts;
    for (int i = 0; i < 5; i++)
        ts.emplace_back([&, i] {
            std::lock_guard<std::mutex> g(m);
            order_free.push_back(i);
            if (--remaining == 0) cv.notify_one();
        });
    {
        std::unique_lock<std::mutex> lk(m);
        cv.wait(lk, [&] { return remaining == 0; });
    }
    for (auto &t : ts) t.join();
    std::sort(order_free.begin(), order_free.end());
    std::cout << "countdown: all checked in:";
    for (int v : order_free) std::cout << " " << v;
    std::cout << "\n";
}

static long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static void futures() {
    std::vector<std::future<long>> fs;
    for (int n = 15; n < 23; n++) fs.push_back(std::async(std::launch::async, fib, n));
    std::ostringstream out;
    for (auto &f : fs) out << " " << f.get();
    std::cout << "std::async:" << out.str() << "\n";

    auto deferred = std::async(std::launch::deferred, [] { return std::string("deferred ran on get"); });
    std::cout << deferred.get() << "\n";

    std::promise<int> p;
    std::future<int> f = p.get_future();
    std::thread t([&p] { p.set_value(42); });
    std::cout << "promise value: " << f.get() << "\n";
    t.join();

    std::promise<int> bad;
    std::future<int> fb = bad.get_future();
    std::thread t2([&bad] {
        try {
            throw std::runtime_error("computed nothing");
        } catch (...) {
            bad.set_exception(std::current_exception());
        }
    });
    try {
        fb.get();
    } catch (const std::exception &e) {
        std::cout << "promise exception: " << e.what() << "\n";
    }
    t2.join();

    std::packaged_task<int(int, int)> task([](int a, int b) { return a * b; });
    auto tf = task.get_future();
    std::thread t3(std::move(task), 6, 7);
    t3.join();
    std::cout << "packaged_task: " << tf.get() << "\n";

    auto thrower = std::async(std::launch::async, []() -> int { throw std::out_of_range("async failure"); });
    try {
        thrower.get();
    } catch (const std::out_of_range &e) {
        std::cout << "async exception: " << e.what() << "\n";
    }
}

static std::atomic<int> tl_constructed{0}, tl_destroyed{0};
struct Tracker {
    int value = 100;
    Tracker() { tl_constructed++; }
    ~Tracker() { tl_destroyed++; }
};
static thread_local Tracker tracker;
static thread_local int tl_plain = 5;

static void thread_locals() {
    tracker.value = 1; // the main thread's own instance
    std::vector<std::thread> ts;
    std::vector<int> seen(6);
    for (int i = 0; i < 6; i++)
        ts.emplace_back([i, &seen] {
            int fresh = tracker.value == 100 && tl_plain == 5;
            tracker.value += i;
            tl_plain *= i;
            std::this_thread::yield();
            seen[i] = fresh && tracker.value == 100 + i && tl_plain == 5 * i;
        });
    for (auto &t : ts) t.join();
    int ok = std::count(seen.begin(), seen.end(), 1);
    std::cout << "thread_local: " << ok << "/6 threads had fresh copies; constructed " << tl_constructed.load()
              << ", destroyed " << tl_destroyed.load() << "; main's value " << tracker.value << "\n";
}

static void atomics() {
    std::atomic<long> counter{0};
    std::atomic<int> maximum{0};
    std::atomic<unsigned> bits{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < 8; t++)
        ts.emplace_back([&, t] {
            unsigned x = t * 2654435761u + 7;
            for (int i = 0; i < 4000; i++) {
                counter.fetch_add(2, std::memory_order_relaxed);
                x = x * 1664525u + 1013904223u;
                int v = static_cast<int>(x % 100000);
                int cur = maximum.load();
                while (v > cur && !maximum.compare_exchange_weak(cur, v)) {
                }
            }
            bits.fetch_or(1u << t);
        });
    for (auto &t : ts) t.join();
    int expect = 0;
    for (int t = 0; t < 8; t++) {
        unsigned x = t * 2654435761u + 7;
        for (int i = 0; i < 4000; i++) {
            x = x * 1664525u + 1013904223u;
            expect = std::max(expect, static_cast<int>(x % 100000));
        }
    }
    std::cout << "std::atomic: counter " << counter.load() << ", maximum " << (maximum.load() == expect ? "correct" : "WRONG")
              << ", bits 0x" << std::hex << bits.load() << std::dec << "\n";
}

static void once_and_shared() {
    std::once_flag flag;
    std::atomic<int> calls{0};
    std::vector<std::thread> ts;
    for (int i = 0; i < 8; i++) ts.emplace_back([&] { std::call_once(flag, [&] { calls++; }); });
    for (auto &t : ts) t.join();
    std::cout << "call_once: " << calls.load() << " call(s)\n";

    std::shared_mutex sm;
    std::vector<int> data(8, 0);
    std::atomic<int> inconsistent{0};
    ts.clear();
    for (int w = 0; w < 2; w++)
        ts.emplace_back([&] {
            for (int i = 0; i < 200; i++) {
                std::unique_lock<std::shared_mutex> g(sm);
                for (auto &d : data) d++;
            }
        });
    for (int r = 0; r < 3; r++)
        ts.emplace_back([&] {
            for (int i = 0; i < 300; i++) {
                std::shared_lock<std::shared_mutex> g(sm);
                for (auto d : data) if (d != data[0]) inconsistent++;
            }
        });
    for (auto &t : ts) t.join();
    std::cout << "shared_mutex: data[7] " << data[7] << ", inconsistent reads " << inconsistent.load() << "\n";
}

int main() {
    basics();
    mutexes();
    condition_variables();
    futures();
    thread_locals();
    atomics();
    once_and_shared();
    std::cout << "done" << std::endl;
    return 0;
}
