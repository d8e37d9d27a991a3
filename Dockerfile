FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --create-home app && mkdir -p /app/.data && chown -R app /app/.data
USER app
EXPOSE 8000
CMD ["sh", "-c", "python manage.py platform_setup && python -m migration_platform.web --port 8000"]
