/* dyn_dlopen: dynamically linked program that dlopen()s libm.so.6 at run time,
 * looks up symbols with dlsym, calls them, checks dlerror for a missing symbol and a
 * missing library, and dlclose()s. */
#include <stdio.h>
#include <dlfcn.h>

int main(void)
{
    void *h = dlopen("libm.so.6", RTLD_NOW);
    printf("dlopen libm.so.6: %s\n", h ? "ok" : "failed");
    if (!h) return 1;
    double (*cosf_)(double) = (double (*)(double))dlsym(h, "cos");
    double (*powf_)(double, double) = (double (*)(double, double))dlsym(h, "pow");
    double (*hyp)(double, double) = (double (*)(double, double))dlsym(h, "hypot");
    printf("cos(0)=%.6f pow(2,20)=%.1f hypot(5,12)=%.1f\n", cosf_(0.0), powf_(2, 20), hyp(5, 12));
    void *missing = dlsym(h, "no_such_symbol_xyz");
    const char *err = dlerror();
    printf("missing symbol: %s, dlerror set=%d\n", missing ? "found?" : "NULL", err != NULL);
    printf("dlerror cleared=%d\n", dlerror() == NULL);
    void *none = dlopen("libdoesnotexist.so.9", RTLD_LAZY);
    printf("missing library: %s, dlerror set=%d\n", none ? "loaded?" : "NULL", dlerror() != NULL);
    printf("dlclose=%d\n", dlclose(h));
    /* RTLD_DEFAULT lookup of a libc symbol */
    void *p = dlsym(RTLD_DEFAULT, "printf");
    printf("printf found via RTLD_DEFAULT=%d\n", p != NULL);
    return 0;
}
