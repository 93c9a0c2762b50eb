/* fileio: POSIX file API in the current directory (a fresh empty dir): open/creat,
 * write, lseek (SET/CUR/END, holes), read, pread/pwrite, fstat/stat/lstat (size and
 * type only), ftruncate, rename, link/symlink/readlink, unlink, mkdir, readdir (names
 * sorted), rmdir, access, and errors (ENOENT, EEXIST, ENOTEMPTY, EISDIR, EBADF...)
 * printed by errno name. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>

static const char *ename(int e) { const char *n = strerrorname_np(e); return n ? n : "?"; }
static const char *ftype(mode_t m)
{
    return S_ISREG(m) ? "file" : S_ISDIR(m) ? "dir" : S_ISLNK(m) ? "symlink" : S_ISFIFO(m) ? "fifo" : "other";
}
#define CHECK(expr) do { if ((expr) < 0) printf("%-40s -> -1 %s\n", #expr, ename(errno)); else printf("%-40s -> ok\n", #expr); } while (0)

static void show_stat(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0) { printf("stat %s: %s\n", path, ename(errno)); return; }
    if (S_ISDIR(st.st_mode)) printf("stat %s: type=dir\n", path);
    else printf("stat %s: type=%s size=%lld nlink=%lu\n", path, ftype(st.st_mode), (long long)st.st_size,
                (unsigned long)st.st_nlink);
}

/* prints the result of a call and, when it failed, errno's name (errno is read only
 * after the call has returned, whatever the argument evaluation order) */
static void report(const char *what, long r)
{
    if (r < 0) printf("%s: %ld %s\n", what, r, ename(errno));
    else printf("%s: %ld\n", what, r);
}

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static void list(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) { printf("opendir %s: %s\n", dir, ename(errno)); return; }
    char *names[64]; int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], cmpstr);
    printf("ls %s:", dir);
    for (int i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
    printf("\n");
}

int main(void)
{
    char buf[256];
    int fd = open("data.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    printf("open data.txt for write: %s\n", fd >= 0 ? "ok" : ename(errno));
    const char *msg = "Hello, file!\nSecond line.\n";
    printf("write: %zd\n", write(fd, msg, strlen(msg)));
    printf("lseek cur: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    printf("lseek set 100: %lld\n", (long long)lseek(fd, 100, SEEK_SET));
    printf("write after hole: %zd\n", write(fd, "END", 3));
    struct stat st;
    fstat(fd, &st);
    printf("fstat: type=%s size=%lld\n", ftype(st.st_mode), (long long)st.st_size);
    close(fd);

    fd = open("data.txt", O_RDONLY);
    ssize_t n = read(fd, buf, 13);
    buf[n > 0 ? n : 0] = 0;
    printf("read %zd: [%s]\n", n, buf);
    printf("lseek end -3: %lld\n", (long long)lseek(fd, -3, SEEK_END));
    n = read(fd, buf, sizeof buf);
    printf("read at end-3: %zd [%.*s]\n", n, (int)n, buf);
    printf("read at eof: %zd\n", read(fd, buf, sizeof buf));
    lseek(fd, 30, SEEK_SET);
    n = read(fd, buf, 10);
    int zeros = 0; for (int i = 0; i < n; i++) zeros += buf[i] == 0;
    printf("read in hole: %zd bytes, %d zero\n", n, zeros);
    report("write to read-only fd", write(fd, "x", 1));
    n = pread(fd, buf, 6, 14);
    printf("pread 6@14: [%.*s] offset still %lld\n", (int)n, buf, (long long)lseek(fd, 0, SEEK_CUR));
    close(fd);
    report("read closed fd", read(fd, buf, 1));

    fd = open("data.txt", O_RDWR);
    printf("pwrite: %zd\n", pwrite(fd, "HELLO", 5, 0));
    printf("ftruncate 20: %d\n", ftruncate(fd, 20));
    fstat(fd, &st);
    printf("size after truncate: %lld\n", (long long)st.st_size);
    lseek(fd, 0, SEEK_SET);
    n = read(fd, buf, sizeof buf);
    printf("content: [");
    for (int i = 0; i < n; i++) putchar(buf[i] == '\n' ? '|' : buf[i]);
    printf("]\n");
    close(fd);

    fd = open("append.log", O_CREAT | O_WRONLY | O_APPEND, 0600);
    write(fd, "one\n", 4);
    lseek(fd, 0, SEEK_SET);
    write(fd, "two\n", 4);
    close(fd);
    show_stat("append.log");

    report("open missing", open("no-such-file", O_RDONLY));
    report("open excl existing", open("data.txt", O_CREAT | O_EXCL | O_WRONLY, 0644));
    report("open missing dir", open("nodir/x", O_CREAT | O_WRONLY, 0644));
    CHECK(mkdir("sub", 0755));
    CHECK(mkdir("sub", 0755));
    report("open dir for write", open("sub", O_WRONLY));
    CHECK(mkdir("sub/inner", 0755));
    fd = open("sub/inner/f1", O_CREAT | O_WRONLY, 0644); write(fd, "abc", 3); close(fd);
    fd = open("sub/f2", O_CREAT | O_WRONLY, 0644); close(fd);
    list("."); list("sub"); list("sub/inner");
    show_stat("sub"); show_stat("sub/inner/f1"); show_stat("sub/f2"); show_stat("nope");
    CHECK(rename("data.txt", "sub/renamed.txt"));
    CHECK(rename("missing", "x"));
    CHECK(link("sub/renamed.txt", "hardlink"));
    show_stat("hardlink");
    CHECK(symlink("sub/renamed.txt", "softlink"));
    ssize_t ln = readlink("softlink", buf, sizeof buf);
    printf("readlink: %.*s\n", (int)ln, buf);
    struct stat lst;
    lstat("softlink", &lst);
    printf("lstat softlink: type=%s; stat follows: ", ftype(lst.st_mode));
    show_stat("softlink");
    report("access data.txt F_OK", access("data.txt", F_OK));
    printf("access hardlink R_OK: %d\n", access("hardlink", R_OK));
    CHECK(rmdir("sub"));
    CHECK(unlink("sub"));
    CHECK(unlink("softlink"));
    CHECK(unlink("hardlink"));
    CHECK(unlink("sub/renamed.txt"));
    CHECK(unlink("sub/renamed.txt"));
    CHECK(unlink("sub/inner/f1"));
    CHECK(unlink("sub/f2"));
    CHECK(rmdir("sub/inner"));
    CHECK(chdir("sub"));
    fd = open("in-sub", O_CREAT | O_WRONLY, 0644); close(fd);
    CHECK(chdir(".."));
    list("sub");
    CHECK(unlink("sub/in-sub"));
    CHECK(rmdir("sub"));
    CHECK(unlink("append.log"));
    list(".");
    /* dup/dup2 and fcntl */
    fd = open("dups", O_CREAT | O_RDWR | O_TRUNC, 0644);
    int fd2 = dup(fd);
    write(fd, "12345", 5);
    printf("dup shares offset: %lld\n", (long long)lseek(fd2, 0, SEEK_CUR));
    int fd3 = dup2(fd, 20);
    int before = fcntl(fd3, F_GETFD);
    int setr = fcntl(fd3, F_SETFD, FD_CLOEXEC);
    int after = fcntl(fd3, F_GETFD);
    printf("dup2 -> %d, fcntl GETFD=%d, F_SETFD cloexec=%d GETFD=%d\n", fd3, before, setr, after);
    printf("fcntl GETFL accmode=RDWR: %d\n", (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
    close(fd); close(fd2); close(fd3);
    unlink("dups");
    list(".");
    return 0;
}
