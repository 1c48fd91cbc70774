/*
 * index_dir.c - generations, the current symlink and the indexer lock.
 */
#include "index_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* liblantern's error setter is internal; the indexer links the library and
 * uses the same thread-local detail. */
#include "common/error.h"

static lantern_status make_directories(const char *path)
{
	char buffer[PATH_MAX];
	if (snprintf(buffer, sizeof(buffer), "%s", path) >= (int)sizeof(buffer))
		return lantern_error_set(LANTERN_ERROR_INVALID_ARGUMENT, "%s: path too long", path);
	for (char *p = buffer + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buffer, 0755) != 0 && errno != EEXIST)
			return lantern_error_set_errno(buffer);
		*p = '/';
	}
	if (mkdir(buffer, 0755) != 0 && errno != EEXIST)
		return lantern_error_set_errno(buffer);
	return LANTERN_OK;
}

lantern_status index_lock_acquire(index_lock *lock, const char *index_path, bool wait,
                                  void (*on_wait)(long holder_pid))
{
	lock->fd = -1;
	lantern_status status = make_directories(index_path);
	if (status != LANTERN_OK)
		return status;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", index_path, INDEX_LOCK_FILE);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return lantern_error_set_errno(path);
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK) {
			status = lantern_error_set_errno(path);
			close(fd);
			return status;
		}
		char holder[32] = "";
		ssize_t got = pread(fd, holder, sizeof(holder) - 1, 0);
		long pid = got > 0 ? strtol(holder, NULL, 10) : 0;
		if (!wait) {
			close(fd);
			return lantern_error_set(LANTERN_ERROR_DATABASE_LOCKED,
			                         "%s is being updated by another lantern-index (pid %ld)",
			                         index_path, pid);
		}
		if (on_wait)
			on_wait(pid);
		while (flock(fd, LOCK_EX) != 0) {
			if (errno != EINTR) {
				status = lantern_error_set_errno(path);
				close(fd);
				return status;
			}
		}
	}
	char pid_text[32];
	int length = snprintf(pid_text, sizeof(pid_text), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid_text, (size_t)length, 0) < 0) {
		/* The pid is only a courtesy for the waiting message. */
	}
	lock->fd = fd;
	return LANTERN_OK;
}

void index_lock_release(index_lock *lock)
{
	if (lock && lock->fd >= 0) {
		close(lock->fd); /* releases the flock */
		lock->fd = -1;
	}
}

static bool generation_number(const char *name, long *number)
{
	if (strncmp(name, "gen-", 4) != 0 || !name[4])
		return false;
	char *end = NULL;
	long value = strtol(name + 4, &end, 10);
	if (*end || value <= 0)
		return false;
	*number = value;
	return true;
}

lantern_status index_current_generation(const char *index_path, char **out)
{
	*out = NULL;
	char link_path[PATH_MAX], target[PATH_MAX];
	snprintf(link_path, sizeof(link_path), "%s/%s", index_path, INDEX_CURRENT_LINK);
	ssize_t length = readlink(link_path, target, sizeof(target) - 1);
	if (length < 0)
		return errno == ENOENT ? LANTERN_OK : lantern_error_set_errno(link_path);
	target[length] = '\0';
	long number;
	if (strchr(target, '/') || !generation_number(target, &number))
		return lantern_error_set(LANTERN_ERROR_DATABASE_CORRUPT,
		                         "%s points to '%s', not a generation", link_path, target);
	size_t size = strlen(index_path) + strlen(target) + 2;
	*out = malloc(size);
	if (!*out)
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "path");
	snprintf(*out, size, "%s/%s", index_path, target);
	return LANTERN_OK;
}

lantern_status index_new_generation(const char *index_path, char **out)
{
	*out = NULL;
	DIR *directory = opendir(index_path);
	if (!directory)
		return lantern_error_set_errno(index_path);
	long highest = 0, number;
	struct dirent *entry;
	while ((entry = readdir(directory)) != NULL)
		if (generation_number(entry->d_name, &number) && number > highest)
			highest = number;
	closedir(directory);
	size_t size = strlen(index_path) + 32;
	char *path = malloc(size);
	if (!path)
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "path");
	snprintf(path, size, "%s/gen-%06ld", index_path, highest + 1);
	if (mkdir(path, 0755) != 0) {
		lantern_status status = lantern_error_set_errno(path);
		free(path);
		return status;
	}
	*out = path;
	return LANTERN_OK;
}

static void sync_directory(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

lantern_status index_publish_generation(const char *index_path, const char *generation)
{
	const char *name = strrchr(generation, '/');
	name = name ? name + 1 : generation;
	char temporary[PATH_MAX], link_path[PATH_MAX];
	snprintf(temporary, sizeof(temporary), "%s/%s.new", index_path, INDEX_CURRENT_LINK);
	snprintf(link_path, sizeof(link_path), "%s/%s", index_path, INDEX_CURRENT_LINK);
	unlink(temporary);
	if (symlink(name, temporary) != 0)
		return lantern_error_set_errno(temporary);
	if (rename(temporary, link_path) != 0) {
		lantern_status status = lantern_error_set_errno(link_path);
		unlink(temporary);
		return status;
	}
	sync_directory(index_path);
	return LANTERN_OK;
}

static lantern_status remove_tree_at(const char *path)
{
	struct stat info;
	if (lstat(path, &info) != 0)
		return errno == ENOENT ? LANTERN_OK : lantern_error_set_errno(path);
	if (S_ISDIR(info.st_mode)) {
		DIR *directory = opendir(path);
		if (!directory)
			return lantern_error_set_errno(path);
		struct dirent *entry;
		lantern_status status = LANTERN_OK;
		while (status == LANTERN_OK && (entry = readdir(directory)) != NULL) {
			if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
				continue;
			char child[PATH_MAX];
			snprintf(child, sizeof(child), "%s/%s", path, entry->d_name);
			status = remove_tree_at(child);
		}
		closedir(directory);
		if (status != LANTERN_OK)
			return status;
		if (rmdir(path) != 0)
			return lantern_error_set_errno(path);
		return LANTERN_OK;
	}
	if (unlink(path) != 0)
		return lantern_error_set_errno(path);
	return LANTERN_OK;
}

lantern_status index_remove_tree(const char *path)
{
	return remove_tree_at(path);
}

lantern_status index_remove_stale_generations(const char *index_path)
{
	char *current = NULL;
	lantern_status status = index_current_generation(index_path, &current);
	if (status != LANTERN_OK)
		return status;
	const char *current_name = current ? strrchr(current, '/') + 1 : "";
	DIR *directory = opendir(index_path);
	if (!directory) {
		free(current);
		return lantern_error_set_errno(index_path);
	}
	struct dirent *entry;
	long number;
	while (status == LANTERN_OK && (entry = readdir(directory)) != NULL) {
		if (!generation_number(entry->d_name, &number) || strcmp(entry->d_name, current_name) == 0)
			continue;
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", index_path, entry->d_name);
		status = remove_tree_at(path);
	}
	closedir(directory);
	free(current);
	return status;
}
