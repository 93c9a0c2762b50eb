/* stdio_files: buffered stdio on files in the cwd: fopen modes, fprintf/fscanf,
 * fgets/fputs, fread/fwrite of binary records, ftell/fseek/rewind, ungetc, feof/ferror,
 * tmpfile, freopen, setvbuf, writes to stderr (checked in the .stderr golden), and
 * interleaving of stdout/stderr with explicit fflush. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

struct rec { int id; double value; char tag[8]; };

int main(void)
{
    FILE *f = fopen("numbers.txt", "w");
    for (int i = 1; i <= 10; i++) fprintf(f, "%d %d.%d word%d\n", i, i * i, i, i);
    printf("ftell after write: %ld\n", ftell(f));
    fclose(f);
    f = fopen("numbers.txt", "r");
    int a; double b; char w[32]; long sum = 0; double dsum = 0;
    while (fscanf(f, "%d %lf %31s", &a, &b, w) == 3) { sum += a; dsum += b; }
    printf("fscanf sum=%ld dsum=%.3f last word=%s feof=%d\n", sum, dsum, w, feof(f));
    rewind(f);
    char line[128];
    int lines = 0;
    while (fgets(line, sizeof line, f)) lines++;
    printf("fgets lines=%d last=%s", lines, line);
    fseek(f, 5, SEEK_SET);
    int c = fgetc(f);
    ungetc('X', f);
    int c2 = fgetc(f);
    printf("fgetc=%c ungetc/fgetc=%c ftell=%ld\n", c, c2, ftell(f));
    fclose(f);

    f = fopen("numbers.txt", "a+");
    fputs("appended line\n", f);
    fseek(f, 0, SEEK_END);
    printf("size after append=%ld\n", ftell(f));
    fclose(f);

    struct rec recs[5];
    for (int i = 0; i < 5; i++) { recs[i].id = i * 11; recs[i].value = i / 4.0; snprintf(recs[i].tag, 8, "r%d", i); }
    f = fopen("recs.bin", "wb+");
    printf("fwrite=%zu\n", fwrite(recs, sizeof recs[0], 5, f));
    fseek(f, (long)sizeof recs[0] * 3, SEEK_SET);
    struct rec r;
    size_t got1 = fread(&r, sizeof r, 1, f);
    printf("fread=%zu id=%d value=%g tag=%s\n", got1, r.id, r.value, r.tag);
    size_t got = fread(&r, sizeof r, 5, f);
    printf("fread past end=%zu feof=%d\n", got, feof(f));
    clearerr(f);
    printf("after clearerr feof=%d ferror=%d\n", feof(f), ferror(f));
    fclose(f);
    remove("recs.bin");

    f = tmpfile();
    fprintf(f, "temporary %d", 42);
    rewind(f);
    char tbuf[32] = { 0 };
    fgets(tbuf, sizeof tbuf, f);
    printf("tmpfile: %s\n", tbuf);
    fclose(f);

    FILE *missing = fopen("missing.txt", "r");
    printf("fopen missing: %s errno=%s\n", missing ? "opened?" : "NULL", strerrorname_np(errno));

    /* line buffering by hand with setvbuf on a file */
    f = fopen("buffered.txt", "w");
    static char vbuf[64];
    setvbuf(f, vbuf, _IOFBF, sizeof vbuf);
    for (int i = 0; i < 40; i++) fprintf(f, "%02d,", i);
    fclose(f);
    f = fopen("buffered.txt", "r");
    fseek(f, 0, SEEK_END);
    printf("buffered.txt size=%ld\n", ftell(f));
    fclose(f);

    fflush(stdout);
    fprintf(stderr, "this goes to stderr (1)\n");
    printf("stdout after stderr\n");
    fflush(stdout);
    fputs("stderr line 2\n", stderr);
    errno = ENOENT;
    perror("perror with errno ENOENT");
    remove("numbers.txt");
    remove("buffered.txt");
    int rc = remove("numbers.txt");
    printf("remove missing: %d %s\n", rc, strerrorname_np(errno));
    return 0;
}
